// The Redis keys of the live heartbeat state, under `<REDIS_PREFIX>:hb:`:
// rec = hash service -> JSON record; due = zset service -> death instant (seconds); claims = hash service ->
// JSON record claimed dead but not yet handed to the queues; claimedAt = zset of those claims by time (re-driven
// when a process died between claim and enqueue); seq = first-pulse position counter; ver = transition counter;
// alive = presence of a running sweeper; ready = set once the state is complete (absent after Redis lost it);
// remind = zset service -> next reminder instant of a dead service (§6.3 reminders); recov = hash service ->
// {record, death} of a recovery not yet handed to the queues; recovAt = zset of those by time (re-driven like
// stale death claims, so a crash between the pulse and its enqueue loses no alert); order = zset service ->
// position (first-pulse order), so a page of the listing is one range read; dirty = set of services pulsed or
// deleted since PostgreSQL last copied them (cancels and deaths carry their rows in their own persistence jobs); draining = zset of those a worker is copying, by claim time (re-driven
// when the worker died before writing them).
const KEY_NAMES = [
  'rec',
  'due',
  'claims',
  'claimedAt',
  'seq',
  'ver',
  'alive',
  'ready',
  'remind',
  'recov',
  'recovAt',
  'order',
  'dirty',
  'draining',
] as const;

export type HeartbeatKeys = Record<(typeof KEY_NAMES)[number], string>;

export function heartbeatKeys(redisPrefix: string): HeartbeatKeys {
  return Object.fromEntries(KEY_NAMES.map((name) => [name, `${redisPrefix}:hb:${name}`])) as HeartbeatKeys;
}
