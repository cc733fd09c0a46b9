import { ALERT_TYPES } from '../alerts/channels';
import { ref } from './openapi.shared';
import type { Schema } from './openapi.types';

// The payloads of the watchTower routes (watchtower-protocol.md §5) and of the console (docs/console-api.md).
// Our DTOs are hand-written parsers with ordered checks and exact hints, so these schemas describe what they
// accept rather than being generated from them; the e2e test checks the examples against the live server.

const epoch: Schema = { type: 'integer', description: 'Epoch seconds.' };
const epochOrHuman: Schema = {
  type: ['integer', 'string'],
  description: 'Epoch seconds, or `"YYYY-MM-DD HH:mm:ss"` in the display zone with `humanDates=1`.',
};
const service: Schema = {
  type: ['string', 'number'],
  description: 'The service name: 1-255 characters, verbatim; a JSON number is stored as its decimal text.',
};
const alertType: Schema = { type: 'string', enum: [...ALERT_TYPES] };
const result = (value: number): Schema => ({ type: 'integer', const: value });

const object = (properties: Record<string, Schema>, required: string[], description?: string): Schema => ({
  type: 'object',
  ...(description === undefined ? {} : { description }),
  properties,
  required,
});

/** A success envelope: the route's keys plus `result: 200`. */
const envelope = (properties: Record<string, Schema>, required: string[], description?: string): Schema =>
  object({ ...properties, result: result(200) }, [...required, 'result'], description);

export const WATCHTOWER_SCHEMAS: Record<string, Schema> = {
  Error: object(
    { hint: { type: 'string', description: 'One line naming the field and the reason.' }, result: { type: 'integer' } },
    ['hint', 'result'],
    'Every error of the envelope routes: the HTTP status again in `result`, keys sorted, one line plus `\\n`.',
  ),
  Result: envelope({}, [], 'Exactly `{"result":200}`.'),
  HeartBeat: object(
    {
      alertTarget: { type: 'string' },
      alertType,
      alerted: { type: 'boolean', description: 'True once the service was declared dead.' },
      cancelled: { type: 'boolean' },
      expected: epochOrHuman,
      last: epochOrHuman,
      nextIn: { type: 'integer', minimum: 1, maximum: 31536000 },
      service: { type: 'string' },
      repeatEvery: { type: 'integer', minimum: 60, maximum: 31536000, description: 'Only on records that set it.' },
    },
    ['alertTarget', 'alertType', 'alerted', 'cancelled', 'expected', 'last', 'nextIn', 'service'],
    'Exactly eight keys, plus `repeatEvery` on records pulsed with it.',
  ),
  PulseRequest: object(
    {
      service,
      nextIn: {
        type: ['number', 'string'],
        description: 'Seconds until the next pulse: a number or `[+-]digits[.digits]`, truncated, 1-31536000.',
      },
      alertTarget: { type: 'string', minLength: 1, maxLength: 1024 },
      alertType,
      repeatEvery: { type: ['number', 'string'], description: 'Reminder interval while dead, 60-31536000 seconds.' },
      host: { type: 'string', minLength: 1, maxLength: 255, description: 'The hostname the service runs on.' },
    },
    ['service', 'nextIn', 'alertTarget', 'alertType'],
  ),
  ServiceRequest: object({ service }, ['service']),
  PulseReply: envelope({ action: { const: 'pulse' }, heartBeat: ref('HeartBeat') }, ['action', 'heartBeat']),
  CancelReply: envelope(
    {
      action: { const: 'cancel' },
      heartBeat: { oneOf: [ref('HeartBeat'), { const: 'unknown', description: 'The service was never pulsed.' }] },
    },
    ['action', 'heartBeat'],
  ),
  DeleteReply: envelope({ action: { const: 'delete' }, heartBeat: ref('HeartBeat') }, ['action', 'heartBeat']),
  HeartbeatReply: envelope({ heartBeat: ref('HeartBeat') }, ['heartBeat']),
  HeartbeatList: envelope(
    {
      heartBeats: { type: 'array', items: ref('HeartBeat'), description: 'In first-pulse order.' },
      next: { type: 'string', description: 'Only on a page with more after it: pass it back as `cursor`.' },
    },
    ['heartBeats'],
  ),
  EventRequest: object(
    {
      service,
      message: { type: ['string', 'number', 'boolean'], description: 'At most 65536 characters, verbatim.' },
      level: {
        type: ['integer', 'string', 'boolean', 'null'],
        description: 'Coerced to a 32-bit integer, never refused: anything else becomes 0 (§7.2).',
      },
      alert: { description: 'Truthy (as in Python) also raises an alert to the default channel.' },
      id: {
        type: ['string', 'number'],
        description: 'Idempotency key, 1-255 characters; wins over the `Idempotency-Key` header.',
      },
    },
    ['service', 'message'],
  ),
  Event: object(
    {
      alert: { type: 'boolean' },
      date: epochOrHuman,
      level: { type: 'integer' },
      message: { type: 'string' },
      service: { type: 'string' },
    },
    ['alert', 'date', 'level', 'message', 'service'],
  ),
  EventsPage: envelope(
    {
      events: { type: 'array', items: ref('Event'), description: 'Newest first.' },
      next: { type: 'string', description: 'Only while more events match: pass it back as `cursor`.' },
    },
    ['events'],
  ),
  EventsPreset: object({ message: { type: 'string' }, name: { type: 'string' }, service: { type: 'string' } }, [
    'name',
  ]),
  Hello: envelope(
    {
      eventsPresets: { type: 'array', items: ref('EventsPreset') },
      version: { type: 'string', description: '`GUI_VERSION`, else the release version.' },
      world: { ...epoch, description: "The server's clock, epoch seconds." },
    },
    ['eventsPresets', 'version', 'world'],
  ),
  Ping: object(
    {
      alertTarget: { type: 'string' },
      alertType,
      alerted: { type: 'boolean' },
      expectedCode: { type: 'integer' },
      frequency: { type: 'integer', minimum: 5 },
      lastPing: {
        ...epochOrHuman,
        type: ['integer', 'string', 'null'],
        description: '0 (null in human dates) before the first attempt.',
      },
      lastPingSuccess: epochOrHuman,
      login: { type: ['string', 'null'] },
      method: { type: 'string', enum: ['get', 'head'] },
      password: { type: 'null', description: 'Always null, even when credentials are configured.' },
      proxyURL: { type: ['string', 'null'] },
      service: { type: 'string' },
      timeout: { type: 'number' },
      url: { type: 'string', format: 'uri' },
    },
    [
      'alertTarget',
      'alertType',
      'alerted',
      'expectedCode',
      'frequency',
      'lastPing',
      'lastPingSuccess',
      'login',
      'method',
      'password',
      'proxyURL',
      'service',
      'timeout',
      'url',
    ],
  ),
  PingList: envelope({ pings: { type: 'array', items: ref('Ping') } }, ['pings']),
  LoginRequest: object({ password: { type: 'string', minLength: 1, description: 'The admin password.' } }, [
    'password',
  ]),
  Session: envelope({ expiresAt: epoch }, ['expiresAt']),
  QueueStats: object(
    {
      active: { type: 'integer' },
      delayed: { type: 'integer' },
      failed: { type: 'integer' },
      name: { type: 'string' },
      oldestWaitingSeconds: { type: ['integer', 'null'], description: 'Null when nothing waits.' },
      waiting: { type: 'integer' },
    },
    ['active', 'delayed', 'failed', 'name', 'oldestWaitingSeconds', 'waiting'],
  ),
  Overview: envelope(
    {
      agents: object({ connected: { type: 'integer' }, enrolled: { type: 'integer' } }, ['connected', 'enrolled']),
      eventsPresets: { type: 'array', items: ref('EventsPreset') },
      now: epoch,
      queues: { type: 'array', items: ref('QueueStats') },
      services: object(
        {
          alive: { type: 'integer' },
          cancelled: { type: 'integer' },
          dead: { type: 'integer' },
          late: { type: 'integer' },
          total: { type: 'integer' },
        },
        ['alive', 'cancelled', 'dead', 'late', 'total'],
      ),
      version: { type: 'string' },
    },
    ['agents', 'eventsPresets', 'now', 'queues', 'services', 'version'],
  ),
  ConsoleHeartbeat: object(
    {
      alertTarget: { type: 'string' },
      alertType,
      deadAt: { type: ['integer', 'null'] },
      expected: epoch,
      last: epoch,
      nextIn: { type: 'integer' },
      repeatEvery: { type: ['integer', 'null'] },
      service: { type: 'string' },
      state: { type: 'string', enum: ['alive', 'late', 'dead', 'cancelled'] },
    },
    ['alertTarget', 'alertType', 'deadAt', 'expected', 'last', 'nextIn', 'repeatEvery', 'service', 'state'],
  ),
  ConsoleHeartbeatsPage: envelope(
    {
      heartbeats: { type: 'array', items: ref('ConsoleHeartbeat'), maxItems: 200 },
      now: epoch,
      total: { type: 'integer', description: 'Services matching the filters, all pages together.' },
    },
    ['heartbeats', 'now', 'total'],
  ),
  History: envelope(
    {
      history: {
        type: 'array',
        maxItems: 50,
        description: 'Newest first.',
        items: object(
          {
            action: { type: 'string', enum: ['pulse', 'alert', 'cancel'] },
            at: epoch,
            expected: epoch,
            nextIn: { type: 'integer' },
          },
          ['action', 'at', 'expected', 'nextIn'],
        ),
      },
    },
    ['history'],
  ),
  Health: object(
    {
      status: { type: 'string', enum: ['up', 'degraded'] },
      failing: {
        type: 'array',
        items: { type: 'string' },
        description: 'The failing parts: `postgres`, `redis`, `queue:<name>`, `sweeper`.',
      },
    },
    ['status'],
    'Plain JSON, not the envelope (no `result`).',
  ),
  PlainError: object(
    { error: { type: 'string' } },
    ['error'],
    'The error body of the agent surfaces (ingest, WebSocket upgrade): not the envelope.',
  ),
};
