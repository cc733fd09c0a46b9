import { SamplerThread as CollectionThread } from '@lib/collectors';
import { AgentEnv } from './config/env';
import { agentLogger } from './log';

const logger = agentLogger('Sampler');

/** The agent's collection thread (the Sampler of `libs/collectors`, shared with the API's embedded mode). */
export class SamplerThread extends CollectionThread {
  constructor(env: AgentEnv) {
    super(env, (line) => logger.warn(line));
  }
}
