import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Env } from '../config/env';
import { Clock } from '../common/clock';
import { RedisClient } from '../common/redis.module';
import { DeadRecord, LiveRecord } from './heartbeat.record';
import {
  ACK_CLAIM,
  CANCEL,
  CLAIM_DUE,
  CLAIM_REMINDERS,
  DELETE,
  PULSE,
  RESTORE,
  STARTUP_GRACE,
} from './heartbeat.scripts';

export type PulseOutcome = { kind: 'limit' } | { kind: 'ok'; record: LiveRecord; previous: LiveRecord | null };

/** How long a claimed death may wait for its jobs before another process re-drives it. */
const REDRIVE_AFTER_SECONDS = 15;
/** Each sweeper refreshes this presence key; its absence at startup means no API process was running. */
export const ALIVE_TTL_MS = 5000;

/** Records per RESTORE call: one script call stays short enough not to stall Redis for other clients. */
const RESTORE_CHUNK = 1000;

/** Redis side of heartbeats: every transition is one atomic script together with its deadline. */
@Injectable()
export class HeartbeatStore {
  private readonly keys: Record<
    'rec' | 'due' | 'claims' | 'claimedAt' | 'seq' | 'ver' | 'alive' | 'ready' | 'remind',
    string
  >;

  private readonly defaultRepeatEvery: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    env: Env,
  ) {
    const p = `${env.redisPrefix}:hb`;
    this.keys = {
      rec: `${p}:rec`,
      due: `${p}:due`,
      claims: `${p}:claims`,
      claimedAt: `${p}:claimedAt`,
      seq: `${p}:seq`,
      ver: `${p}:ver`,
      alive: `${p}:alive`,
      ready: `${p}:ready`,
      remind: `${p}:remind`,
    };
    this.defaultRepeatEvery = env.heartbeatRepeatEvery;
  }

  async pulse(
    input: { service: string; alertType: string; alertTarget: string; nextIn: number; repeatEvery?: number },
    maxServices: number,
  ): Promise<PulseOutcome> {
    const { rec, due, seq, ver, remind } = this.keys;
    const reply = (await this.run(
      PULSE,
      [rec, due, seq, ver, remind],
      [input.service, input.alertType, input.alertTarget, input.nextIn, input.repeatEvery ?? '', maxServices],
    )) as string[];
    if (reply[0] === 'limit') {
      return { kind: 'limit' };
    }
    return { kind: 'ok', record: decode(reply[1]), previous: reply[2] ? decode(reply[2]) : null };
  }

  async cancel(service: string): Promise<LiveRecord | null> {
    const { rec, due, ver, remind } = this.keys;
    const raw = (await this.run(CANCEL, [rec, due, ver, remind], [service])) as string | null;
    return raw ? decode(raw) : null;
  }

  async delete(service: string): Promise<LiveRecord | null> {
    const { rec, due, claims, claimedAt, ver, remind } = this.keys;
    const raw = (await this.run(DELETE, [rec, due, claims, claimedAt, ver, remind], [service])) as string | null;
    return raw ? decode(raw) : null;
  }

  async get(service: string): Promise<LiveRecord | null> {
    const raw = await this.redis.hget(this.keys.rec, service);
    return raw ? decode(raw) : null;
  }

  /** Every record in first-pulse order. */
  async list(): Promise<LiveRecord[]> {
    const all = await this.redis.hvals(this.keys.rec);
    return all.map(decode).sort((a, b) => a.position - b.position);
  }

  /** Claims up to `batch` services that are due (and stale claims to re-drive), already marked dead. */
  async claimDue(batch: number): Promise<DeadRecord[]> {
    const { rec, due, claims, claimedAt, ver, remind } = this.keys;
    const raws = (await this.run(
      CLAIM_DUE,
      [rec, due, claims, claimedAt, ver, remind],
      [batch, REDRIVE_AFTER_SECONDS, this.defaultRepeatEvery],
    )) as string[];
    return raws.map(decode) as DeadRecord[];
  }

  /** Claims due reminders of dead services (and schedules the next ones): each with its reminder number. */
  async claimReminders(batch: number): Promise<{ record: DeadRecord; reminder: number }[]> {
    const flat = (await this.run(
      CLAIM_REMINDERS,
      [this.keys.rec, this.keys.remind],
      [batch, this.defaultRepeatEvery],
    )) as (string | number)[];
    const out: { record: DeadRecord; reminder: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      out.push({ record: decode(String(flat[i])) as DeadRecord, reminder: Number(flat[i + 1]) });
    }
    return out;
  }

  async ackClaims(records: LiveRecord[]): Promise<void> {
    const nowMs = this.clock.nowMs();
    await Promise.all(
      records.map(async (record) =>
        this.run(ACK_CLAIM, [this.keys.claims, this.keys.claimedAt], [record.service, record.expected], nowMs),
      ),
    );
  }

  async markAlive(): Promise<void> {
    await this.redis.set(this.keys.alive, '1', 'PX', ALIVE_TTL_MS);
  }

  async clearAlive(): Promise<void> {
    await this.redis.del(this.keys.alive);
  }

  /** -1 when another process is alive (no grace), otherwise how many deadlines were postponed. */
  async applyStartupGrace(graceSeconds: number): Promise<number> {
    return (await this.run(STARTUP_GRACE, [this.keys.due, this.keys.alive], [graceSeconds, ALIVE_TTL_MS])) as number;
  }

  /** Whether Redis holds the live state; false after Redis lost its data, so PostgreSQL must refill it. */
  async isReady(): Promise<boolean> {
    return (await this.redis.exists(this.keys.ready)) === 1;
  }

  /** Refills Redis from PostgreSQL rows (the system of record) in chunks, then marks it ready. */
  async restore(records: LiveRecord[]): Promise<void> {
    const { rec, due, seq, ver, remind, ready } = this.keys;
    for (let i = 0; i < records.length; i += RESTORE_CHUNK) {
      const chunk = records.slice(i, i + RESTORE_CHUNK).map((record) => JSON.stringify(record));
      await this.run(RESTORE, [rec, due, seq, ver, remind], [this.defaultRepeatEvery, ...chunk]);
    }
    await this.redis.set(ready, '1');
  }

  /** EVALSHA, so a pulse sends a 40-byte digest instead of the script; EVAL once when Redis lacks it. */
  private async run(
    script: string,
    keys: string[],
    args: (string | number)[],
    nowMs = this.clock.nowMs(),
  ): Promise<unknown> {
    const sha = digestOf(script);
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, nowMs, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) {
        throw error;
      }
      return this.redis.eval(script, keys.length, ...keys, nowMs, ...args);
    }
  }
}

const digests = new Map<string, string>();
function digestOf(script: string): string {
  let sha = digests.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    digests.set(script, sha);
  }
  return sha;
}

function decode(raw: string): LiveRecord {
  return JSON.parse(raw) as LiveRecord;
}
