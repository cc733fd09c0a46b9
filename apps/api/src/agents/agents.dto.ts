import { Injectable, PipeTransform } from '@nestjs/common';
import { parseAlertChannel } from '../alerts/channels';
import { field, isPresent, MAX_SERVICE, requirePresent, toBoundedText } from '../common/fields';
import { HintedError } from '../common/hinted-error';

// The enrollment body and the agent id of a path (agent-protocol.md §1), and what the routes answer.

export interface EnrollInput {
  name: string;
  /** Both or neither: without them, the agent's alerts go to the defaults. */
  alertType: string | null;
  alertTarget: string | null;
}

/** An agent as the API shows it: never its key, key prefix or digest. Times are epoch seconds. */
export interface AgentView {
  id: string;
  name: string;
  alertType: string | null;
  alertTarget: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
}

/** The one reply that carries the key: it is not stored, so it cannot be shown again. */
export interface EnrollReply {
  agent: { id: string; name: string };
  key: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The name follows the service rule (a string or a number's decimal text, 1 to 255 characters). */
export function parseEnroll(body: Record<string, unknown>): EnrollInput {
  const rawName = field(body, 'name');
  requirePresent(rawName, 'no name provided');
  const name = toBoundedText(rawName, MAX_SERVICE, `name must be a string of 1 to ${MAX_SERVICE} characters`);
  const rawType = field(body, 'alertType');
  const rawTarget = field(body, 'alertTarget');
  if (!isPresent(rawType) && !isPresent(rawTarget)) {
    return { name, alertType: null, alertTarget: null };
  }
  if (!isPresent(rawType) || !isPresent(rawTarget)) {
    throw new HintedError(400, 'alertType and alertTarget go together: give both or neither');
  }
  return { name, ...parseAlertChannel(rawType, rawTarget) };
}

@Injectable()
export class EnrollPipe implements PipeTransform<Record<string, unknown> | undefined, EnrollInput> {
  transform(body: Record<string, unknown> | undefined): EnrollInput {
    return parseEnroll(body ?? {});
  }
}

/** A malformed id names no agent: 404 here, so PostgreSQL never sees a string it would refuse as a uuid. */
@Injectable()
export class AgentIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (!UUID.test(id)) {
      throw new HintedError(404, 'agent not found');
    }
    return id.toLowerCase();
  }
}
