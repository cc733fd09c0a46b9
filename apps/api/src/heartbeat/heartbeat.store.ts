import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Env } from '../config/env';
import { Clock } from '../common/clock';
import { RedisClient } from '../common/redis.module';
import { DeadRecord, LiveRecord } from './heartbeat.record';
import {
  ACK,
  CANCEL,
  CLAIM_DUE,
  CLAIM_RECOVERIES,
  CLAIM_REMINDERS,
  DELETE,
  INDEX_ORDER,
  PULSE,
  RESTORE,
  STARTUP_GRACE,
} from './heartbeat.scripts';

export type PulseOutcome = { kind: 'limit' } | { kind: 'ok'; record: LiveRecord; previous: LiveRecord | null };

/** A pulse that ended a death, claimed in the pulse's atomic step: `death` keys the fact it raises. */
export interface Recovery {
  record: LiveRecord;
  death: number;
}

/** How long a claimed death may wait for its jobs before another process re-drives it. */
const REDRIVE_AFTER_SECONDS = 15;
/** Each sweeper refreshes this presence key; its absence at startup means no API process was running. */
export const ALIVE_TTL_MS = 5000;

/** Records per RESTORE call: one script call stays short enough not to stall Redis for other clients. */
const RESTORE_CHUNK = 1000;
/** Fields per HSCAN step (a hint to Redis): each step is short, so pulses and sweeps interleave with a listing. */
const SCAN_CHUNK = 1000;

/** Redis side of heartbeats: every transition is one atomic script together with its deadline. */
@Injectable()
export class HeartbeatStore {
  private readonly keys: Record<
    | 'rec'
    | 'due'
    | 'claims'
    | 'claimedAt'
    | 'seq'
    | 'ver'
    | 'alive'
    | 'ready'
    | 'remind'
    | 'recov'
    | 'recovAt'
    | 'order',
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
      recov: `${p}:recov`,
      recovAt: `${p}:recovAt`,
      order: `${p}:order`,
    };
    this.defaultRepeatEvery = env.heartbeatRepeatEvery;
  }

  async pulse(
    input: { service: string; alertType: string; alertTarget: string; nextIn: number; repeatEvery?: number },
    maxServices: number,
  ): Promise<PulseOutcome> {
    const { rec, due, seq, ver, remind, recov, recovAt, order } = this.keys;
    const reply = (await this.run(
      PULSE,
      [rec, due, seq, ver, remind, recov, recovAt, order],
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
    const { rec, due, claims, claimedAt, ver, remind, order } = this.keys;
    const raw = (await this.run(DELETE, [rec, due, claims, claimedAt, ver, remind, order], [service])) as string | null;
    return raw ? decode(raw) : null;
  }

  async get(service: string): Promise<LiveRecord | null> {
    const raw = await this.redis.hget(this.keys.rec, service);
    return raw ? decode(raw) : null;
  }

  async count(): Promise<number> {
    return this.redis.hlen(this.keys.rec);
  }

  /**
   * Every record in first-pulse order, read with HSCAN in chunks: one HVALS over 200,000 records stalls Redis
   * and fills its client output buffer. HSCAN may repeat a record while the hash grows, so keep the last copy.
   */
  async list(): Promise<LiveRecord[]> {
    const seen = new Map<string, string>();
    await this.scan((flat) => {
      for (let i = 0; i < flat.length; i += 2) {
        seen.set(flat[i], flat[i + 1]);
      }
    });
    return Array.from(seen.values(), decode).sort((a, b) => a.position - b.position);
  }

  /** Up to `limit` records after position `after`, in first-pulse order, and whether more follow. */
  async page(after: number, limit: number): Promise<{ records: LiveRecord[]; more: boolean }> {
    const services = await this.redis.zrangebyscore(this.keys.order, `(${after}`, '+inf', 'LIMIT', 0, limit + 1);
    const wanted = services.slice(0, limit);
    const raws = wanted.length > 0 ? await this.redis.hmget(this.keys.rec, ...wanted) : [];
    const records = raws.filter((raw): raw is string => raw !== null).map(decode);
    return { records, more: services.length > limit };
  }

  /** Indexes records written before the order zset existed, so pages see them (a no-op once complete). */
  async indexOrder(): Promise<void> {
    if ((await this.redis.zcard(this.keys.order)) >= (await this.count())) {
      return;
    }
    let pending: Promise<unknown> = Promise.resolve();
    await this.scan((flat) => {
      const pairs: (string | number)[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        pairs.push(flat[i], decode(flat[i + 1]).position);
      }
      pending = pending.then(async () => this.run(INDEX_ORDER, [this.keys.rec, this.keys.order], pairs));
    });
    await pending;
  }

  private async scan(each: (flat: string[]) => void): Promise<void> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.rec, cursor, 'COUNT', SCAN_CHUNK);
      each(flat);
      cursor = next;
    } while (cursor !== '0');
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
        this.run(ACK, [this.keys.claims, this.keys.claimedAt], [record.service, record.expected, 'expected'], nowMs),
      ),
    );
  }

  /** Recovery claims older than the re-drive delay: their process died before queuing them. */
  async claimStaleRecoveries(batch: number): Promise<Recovery[]> {
    const raws = (await this.run(
      CLAIM_RECOVERIES,
      [this.keys.recov, this.keys.recovAt],
      [batch, REDRIVE_AFTER_SECONDS],
    )) as string[];
    return raws.map((raw) => JSON.parse(raw) as Recovery);
  }

  async ackRecoveries(recoveries: Recovery[]): Promise<void> {
    const nowMs = this.clock.nowMs();
    await Promise.all(
      recoveries.map(async ({ record, death }) =>
        this.run(ACK, [this.keys.recov, this.keys.recovAt], [record.service, death, 'death'], nowMs),
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
  async restore(records: LiveRecord[], graceSeconds: number): Promise<void> {
    const { rec, due, seq, ver, remind, ready, order } = this.keys;
    for (let i = 0; i < records.length; i += RESTORE_CHUNK) {
      const chunk = records.slice(i, i + RESTORE_CHUNK).map((record) => JSON.stringify(record));
      await this.run(RESTORE, [rec, due, seq, ver, remind, order], [this.defaultRepeatEvery, graceSeconds, ...chunk]);
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
