import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_NODE_FLAGS, missingNodeFlags } from './node-flags';

const ROOT = join(__dirname, '../../..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** The words between `node` and the agent's script on a launcher's command line. */
function flagsBefore(words: string[], script: RegExp): string[] {
  const node = words.findIndex((word) => /(^|\/)node$/.test(word));
  const main = words.findIndex((word) => script.test(word));
  expect(node).toBeGreaterThanOrEqual(0);
  expect(main).toBeGreaterThan(node);
  return words.slice(node + 1, main);
}

describe('the agent launchers', () => {
  const MAIN = /dist\/apps\/agent\/src\/main\.js$/;

  it('all pass the same node flags', () => {
    expect(AGENT_NODE_FLAGS).toEqual(['--lite-mode', '--no-expose-wasm']);
    const unit = read('docker/watchtower-agent.service')
      .split('\n')
      .find((line) => line.startsWith('ExecStart='));
    expect(flagsBefore(unit!.slice('ExecStart='.length).split(' '), MAIN)).toEqual(AGENT_NODE_FLAGS);

    const image = read('docker/Dockerfile')
      .split('FROM ')
      .find((stage) => / AS agent\n/.test(stage));
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(image!)![1]) as string[];
    expect(flagsBefore(cmd, MAIN)).toEqual(AGENT_NODE_FLAGS);

    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(flagsBefore(scripts.agent.split('&&').pop()!.trim().split(' '), MAIN)).toEqual(AGENT_NODE_FLAGS);

    // the bin's shebang, kept by the build
    const shebang = read('apps/agent/src/main.ts').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${AGENT_NODE_FLAGS.join(' ')}`);
  });

  it('names the flags a process was started without', () => {
    expect(missingNodeFlags(['--lite-mode', '--no-expose-wasm', '--inspect'])).toEqual([]);
    expect(missingNodeFlags(['--lite-mode'])).toEqual(['--no-expose-wasm']);
    expect(missingNodeFlags([])).toEqual([...AGENT_NODE_FLAGS]);
  });
});
