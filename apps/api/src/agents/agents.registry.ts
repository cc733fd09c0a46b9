import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Clock } from '../common/clock';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import type { AgentSettingsOverrides } from '../database/entities';

/** A server → agent command (agent-protocol.md §3), sent as is on the agent's socket. */
export type AgentCommand = { type: 'report_now' } | { type: 'settings_update'; settings: AgentSettingsOverrides };

/** What the registry needs of a live socket: it is the gateway's connection object. */
export interface LiveConnection {
  /** Unique per socket: teardown and updates are identity-checked against it, here and in Redis. */
  readonly id: string;
  readonly agentId: string;
  /** Sends a server message; false when the socket is no longer open. */
  send(message: object): boolean;
  /** Sends a command; false when the socket is no longer open. */
  command(command: AgentCommand): boolean;
  close(code: number, reason: string): void;
}

/** One agent's connection as every process sees it (the JSON value of the Redis hash). Times are epoch seconds. */
export interface ConnectionState {
  connection: string;
  process: string;
  protocol: 'ws' | 'wss';
  since: number;
  version: string | null;
  hostId: string | null;
  lastSnapshotAt: number | null;
}

// A process proves it is alive by refreshing its key; an entry whose process key expired is a crashed
// process's leftover and shows as disconnected (then removed, identity-checked).
const PROCESS_TTL_MS = 30_000;
const PROCESS_REFRESH_MS = 10_000;

// Replace an agent's entry and return the previous one, atomically, so two racing connects cannot both
// believe they replaced nobody.
const REGISTER = `local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return old`;
// Remove or patch an entry only while it is still the given connection's (a replaced socket's late teardown
// must never delete its successor).
const REMOVE = `local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and cjson.decode(v).connection == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;
const PATCH = `local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local entry = cjson.decode(v)
if entry.connection ~= ARGV[2] then return 0 end
for k, value in pairs(cjson.decode(ARGV[3])) do entry[k] = value end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
return 1`;

/**
 * Which agent is connected where (agent-protocol.md §2): the sockets this process holds, and a Redis hash
 * of every process's connections so `GET /api/v1/agents` answers the same from any replica.
 */
@Injectable()
export class AgentsRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Shown as the agent's replica; random per app instance, so two apps in one test process differ too. */
  readonly processId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger(AgentsRegistry.name);
  /** The sockets held here, with their entry as last written (to restore it if Redis lost its data). */
  private readonly local = new Map<string, { connection: LiveConnection; state: ConnectionState }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  private get hashKey(): string {
    return `${this.env.redisPrefix}:agents:connections`;
  }

  private processKey(process: string): string {
    return `${this.env.redisPrefix}:agents:process:${process}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.role === 'worker') {
      return; // a worker holds no sockets
    }
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), PROCESS_REFRESH_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.env.role === 'worker') {
      return;
    }
    // a clean stop leaves nothing behind; a crash is covered by the process key's TTL
    await Promise.all([...this.local.values()].map(async ({ connection }) => this.remove(connection)));
    await this.redis.del(this.processKey(this.processId)).catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    try {
      const previous = await this.redis.set(this.processKey(this.processId), '1', 'PX', PROCESS_TTL_MS, 'GET');
      if (previous === null && this.local.size > 0) {
        // Redis restarted empty (or this process stalled past the TTL): put our entries back, without
        // overwriting a connection another process registered meanwhile
        for (const [agentId, { state }] of this.local) {
          await this.redis.hsetnx(this.hashKey, agentId, JSON.stringify(state));
        }
      }
    } catch (error) {
      this.logger.debug(`process key not refreshed: ${(error as Error).message}`);
    }
  }

  /** The socket this process holds for an agent, if any. */
  held(agentId: string): LiveConnection | undefined {
    return this.local.get(agentId)?.connection;
  }

  /**
   * Makes `connection` the agent's one live socket. Returns the entry it displaced in Redis when that one
   * lives on another process, which the caller then asks to close it; a local predecessor is closed here.
   */
  async register(connection: LiveConnection, protocol: 'ws' | 'wss'): Promise<ConnectionState | null> {
    const previous = this.local.get(connection.agentId)?.connection;
    const state: ConnectionState = {
      connection: connection.id,
      process: this.processId,
      protocol,
      since: this.clock.seconds(),
      version: null,
      hostId: null,
      lastSnapshotAt: null,
    };
    this.local.set(connection.agentId, { connection, state });
    if (previous && previous.id !== connection.id) {
      previous.close(4000, 'replaced');
    }
    const old = (await this.redis.eval(REGISTER, 1, this.hashKey, connection.agentId, JSON.stringify(state))) as
      string | null;
    const displaced = old === null ? null : parseState(old);
    return displaced && displaced.process !== this.processId ? displaced : null;
  }

  /** Teardown: synchronous locally (before any slow work), then the Redis entry if it is still ours. */
  async remove(connection: LiveConnection): Promise<void> {
    if (this.local.get(connection.agentId)?.connection === connection) {
      this.local.delete(connection.agentId);
    }
    await this.redis
      .eval(REMOVE, 1, this.hashKey, connection.agentId, connection.id)
      .catch((error: Error) => this.logger.warn(`connection entry not removed: ${error.message}`));
  }

  /** Records hello and ingest facts on the entry, if it is still this connection's. */
  async update(
    connection: LiveConnection,
    patch: Partial<Pick<ConnectionState, 'version' | 'hostId' | 'lastSnapshotAt'>>,
  ): Promise<void> {
    const held = this.local.get(connection.agentId);
    if (held?.connection === connection) {
      Object.assign(held.state, patch);
    }
    await this.redis
      .eval(PATCH, 1, this.hashKey, connection.agentId, connection.id, JSON.stringify(patch))
      .catch((error: Error) => this.logger.warn(`connection entry not updated: ${error.message}`));
  }

  /** The live entry of one agent, or null when it is not connected to any living process. */
  async state(agentId: string): Promise<ConnectionState | null> {
    const raw = await this.redis.hget(this.hashKey, agentId);
    const state = raw === null ? null : parseState(raw);
    if (!state) {
      return null;
    }
    return (await this.liveProcesses([state.process])).has(state.process) ? state : this.drop(agentId, state);
  }

  /** Every connected agent's entry, across processes; leftovers of dead processes are dropped. */
  async states(): Promise<Map<string, ConnectionState>> {
    const all = await this.redis.hgetall(this.hashKey);
    const entries = Object.entries(all).flatMap(([agentId, raw]) => {
      const state = parseState(raw);
      return state ? [[agentId, state] as const] : [];
    });
    const live = await this.liveProcesses(entries.map(([, state]) => state.process));
    const states = new Map<string, ConnectionState>();
    for (const [agentId, state] of entries) {
      if (live.has(state.process)) {
        states.set(agentId, state);
      } else {
        await this.drop(agentId, state);
      }
    }
    return states;
  }

  private async drop(agentId: string, state: ConnectionState): Promise<null> {
    await this.redis.eval(REMOVE, 1, this.hashKey, agentId, state.connection).catch(() => undefined);
    return null;
  }

  private async liveProcesses(processes: string[]): Promise<Set<string>> {
    const unique = [...new Set(processes)];
    if (unique.length === 0) {
      return new Set();
    }
    const found = await this.redis.mget(...unique.map((process) => this.processKey(process)));
    return new Set(unique.filter((_, i) => found[i] !== null));
  }
}

function parseState(raw: string): ConnectionState | null {
  try {
    const value = JSON.parse(raw) as ConnectionState;
    return typeof value.connection === 'string' && typeof value.process === 'string' ? value : null;
  } catch {
    return null;
  }
}
