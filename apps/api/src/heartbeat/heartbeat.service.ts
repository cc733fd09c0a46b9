import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Env } from '../config/env';
import { Clock } from '../common/clock';
import { Metrics } from '../common/metrics';
import { HintedError } from '../common/hinted-error';
import { inTurns, TurnBudget } from '../common/in-turns';
import { HeartbeatsRepository, HistoryRow } from '../database/repositories';
import { alertTexts } from '../alerts/alert-texts';
import { AlertContext } from '../alerts/alerts.types';
import { Fact, FactsService } from '../alerts/facts.service';
import { HostsService } from '../hosts/hosts.service';
import { encodeListCursor, ListQuery, PulseInput } from './heartbeat.dto';
import { Listing, ListingSlots, serializeListing } from './heartbeat.listing';
import { DeadRecord, fromRow, HeartbeatView, LiveRecord, toRow, toView } from './heartbeat.record';
import { HeartbeatStore, Recovery } from './heartbeat.store';

/** Services claimed per sweep; the sweeper runs again at once while a sweep comes back full. */
export const SWEEP_BATCH = 1000;
/**
 * Deaths (or reminders) raised per event-loop turn by all the sweeper's lanes together, the slices' awaits
 * overlapping. A claim of 1,000 is one Redis round trip, but raising all 1,000 in one turn held the pulses 30-60 ms
 * at a time (pulse p99 90-110 ms while 10,000 died, 55-66 ms in slices). Claims of 100 cost the round trips that
 * took detection lag p99 to 1.6 s, and slices one after another 1.1 s. 100 per turn per lane let 4 lanes raise 400
 * in one turn; 100 for all of them: pulse p99 58-70 ms against 81-94 ms while 10,000 of 200,000 died, lag p99
 * 0.76-0.98 s against 0.84-0.96 s (5 alternating pairs; 200 for all: 82-89 ms). Bench deadlines, ANALYSIS.md.
 */
const RAISE_PER_TURN = 100;

/**
 * Heartbeat rules (watchtower-protocol.md §6): transitions in Redis, rows to PostgreSQL, deaths, recoveries
 * and reminders raised as facts (one event and one alert each).
 */
@Injectable()
export class HeartbeatService {
  private readonly logger = new Logger(HeartbeatService.name);
  private readonly listings: ListingSlots;
  /**
   * Shared by the sweeper's lanes, which all call sweepOnce on this one instance; reminders have their own, so a
   * wave of them never slows the raising of new deaths (the detection lag is the promise, §6.3).
   */
  private readonly raising = new TurnBudget(RAISE_PER_TURN);
  private readonly reminding = new TurnBudget(RAISE_PER_TURN);

  constructor(
    private readonly store: HeartbeatStore,
    private readonly facts: FactsService,
    private readonly rows: HeartbeatsRepository,
    private readonly clock: Clock,
    private readonly env: Env,
    private readonly hosts: HostsService,
    private readonly metrics: Metrics,
  ) {
    this.listings = new ListingSlots(env.heartbeatListMaxConcurrent);
  }

  async pulse(input: PulseInput): Promise<HeartbeatView> {
    const outcome = await this.store.pulse(input, this.env.heartbeatMaxServices);
    if (outcome.kind === 'limit') {
      throw new HintedError(400, `service limit reached (max ${this.env.heartbeatMaxServices})`);
    }
    const { record, recovered } = outcome;
    if (input.host !== undefined) {
      await this.hosts.linkService(record.service, input.host);
    }
    // A dead service pulsed again: the script claimed the recovery atomically; it is forgotten once queued, and
    // re-driven by a sweeper when this process dies first (§6.2 step 2).
    const recoveries: Recovery[] = recovered ? [{ record, death: recovered.deadAt ?? recovered.expected }] : [];
    const history = this.history(record, 'pulse', record.last);
    // The row itself reaches PostgreSQL through the dirty mark the pulse left (HeartbeatRowsDrain); only a
    // recovery's event and alert, and history rows, need the persistence queue before the answer.
    if (recoveries.length > 0 || history.length > 0) {
      await this.raiseRecoveries(recoveries, [record], history);
    }
    this.metrics.pulses.inc();
    return toView(record);
  }

  /** Tells the new target and keeps a trace, keyed by the death each recovery ends; then forgets the claims. */
  private async raiseRecoveries(recoveries: Recovery[], rows: LiveRecord[], history: HistoryRow[]): Promise<void> {
    const facts: Fact[] = recoveries.map(({ record, death }) => ({
      key: ['up', record.service, `${death}`],
      service: record.service,
      date: record.last,
      texts: alertTexts.heartbeatUp(record.service),
      alert: this.alert(record, 'up', { lastPulse: record.last, nextIn: record.nextIn }),
    }));
    await this.facts.raise(facts, { heartbeats: rows.map(toRow), history });
    if (recoveries.length > 0) {
      await this.store.ackRecoveries(recoveries);
    }
  }

  async cancel(service: string): Promise<HeartbeatView | 'unknown'> {
    const record = await this.store.cancel(service);
    if (!record) {
      return 'unknown';
    }
    await this.facts.raise([], { heartbeats: [toRow(record)], history: this.history(record, 'cancel', record.last) });
    return toView(record);
  }

  async delete(service: string): Promise<HeartbeatView> {
    const record = await this.store.delete(service);
    if (!record) {
      throw new HintedError(404, 'service not found');
    }
    await this.facts.raise([], { deletes: [{ service, version: record.version }] });
    return toView(record);
  }

  /** The daily purge: records cancelled before `cutoff`, each deleted only if still cancelled in the live state. */
  async purgeCancelledBefore(cutoff: Date): Promise<number> {
    let purged = 0;
    for (const service of await this.rows.cancelledBefore(cutoff)) {
      // A service that pulsed since is no longer cancelled and stays.
      if ((await this.store.get(service))?.cancelled) {
        await this.delete(service);
        purged++;
      }
    }
    return purged;
  }

  /** One page in first-pulse order, with `next` while more follow. */
  async page(query: ListQuery & { page: object }): Promise<Listing> {
    const zone = query.humanDates ? this.env.tzDisplay : undefined;
    const { records, more, last } = await this.store.page(query.page.after, query.page.limit);
    // from the last position read, not the last record: a page whose records were all deleted meanwhile still
    // tells the client to go on
    const next = more ? encodeListCursor(last) : undefined;
    return serializeListing([records], (record) => toView(record, zone), next);
  }

  /** The whole list as the original clients expect it; a large one takes a slot until its answer is sent. */
  async listAll(humanDates: boolean): Promise<Listing> {
    const zone = humanDates ? this.env.tzDisplay : undefined;
    const large = (await this.store.count()) >= this.env.heartbeatListLargeFrom;
    const release = large ? this.listings.take() : () => undefined;
    try {
      const listing = await serializeListing(this.store.pages(), (record) => toView(record, zone));
      listing.body.once('close', release);
      return listing;
    } catch (error) {
      release();
      throw error;
    }
  }

  async get(service: string, humanDates: boolean): Promise<HeartbeatView> {
    const record = await this.store.get(service);
    if (!record) {
      throw new HintedError(404, 'service not found');
    }
    return toView(record, humanDates ? this.env.tzDisplay : undefined);
  }

  /** At a sweeper's start: refill Redis if it lost its data, then the startup grace (§6.6). */
  async prepareSweeps(): Promise<void> {
    await this.rebuildIfLost();
    await this.store.indexOrder();
    const postponed = await this.store.applyStartupGrace(this.env.heartbeatStartupGraceSeconds);
    if (postponed > 0) {
      this.logger.log(
        `${postponed} deadlines fell due while no API ran: ${this.env.heartbeatStartupGraceSeconds} s grace`,
      );
    }
  }

  /** Every second: a Redis restarted without its data (no AOF) is refilled while the sweeper keeps running. */
  async keepAlive(): Promise<void> {
    await this.rebuildIfLost();
    await this.store.markAlive();
  }

  async stopSweeps(): Promise<void> {
    await this.store.clearAlive();
  }

  /**
   * One sweep: claim what fell due, raise each death, then forget the claims (a claim left behind is re-driven by
   * the next sweep of any process); then the reminders. Returns how many deaths it claimed.
   */
  async sweepOnce(): Promise<number> {
    const dead = await this.store.claimDue(SWEEP_BATCH);
    if (dead.length > 0) {
      await inTurns(dead, this.raising, async (slice) => this.declareDead(slice));
      await this.store.ackClaims(dead);
    }
    const recoveries = await this.store.claimStaleRecoveries(SWEEP_BATCH);
    if (recoveries.length > 0) {
      // the row again too: the crashed raise may have lost it, and an older version is ignored by PostgreSQL
      await this.raiseRecoveries(
        recoveries,
        recoveries.map(({ record }) => record),
        [],
      );
    }
    const reminders = await this.store.claimReminders(SWEEP_BATCH);
    if (reminders.length > 0) {
      await inTurns(reminders, this.reminding, async (slice) => this.remind(slice));
    }
    return dead.length;
  }

  private async declareDead(records: DeadRecord[]): Promise<void> {
    await this.facts.raise(
      records.map((record) => ({
        key: ['down', record.service, `${record.expected}`],
        service: record.service,
        date: record.deadAt,
        texts: alertTexts.heartbeatDown(record.service, record.last, this.env.tzDisplay),
        alert: this.downAlert(record, record.deadAt),
      })),
      {
        heartbeats: records.map(toRow),
        history: records.flatMap((record) => this.history(record, 'alert', record.deadAt)),
      },
      // a death is never refused by a full backlog: it is the outage the backlog may come from
      { backpressure: false },
    );
    const now = this.clock.nowMs() / 1000;
    for (const record of records) {
      this.metrics.detectionLag.observe(Math.max(0, now - record.expected));
    }
  }

  /** Reminders (§6.3): the same "has not pulsed" alert again while the service stays dead; no event. */
  private async remind(due: { record: DeadRecord; reminder: number }[]): Promise<void> {
    const now = this.clock.seconds();
    await this.facts.raise(
      due.map(({ record, reminder }) => ({
        key: ['remind', record.service, `${record.expected}`, `${reminder}`],
        service: record.service,
        date: now,
        texts: alertTexts.heartbeatDown(record.service, record.last, this.env.tzDisplay),
        event: null,
        alert: this.downAlert(record, now),
      })),
    );
  }

  private downAlert(record: LiveRecord, at: number): Fact['alert'] {
    return this.alert(record, 'down', {
      lastPulse: record.last,
      lateBySeconds: at - record.expected,
      nextIn: record.nextIn,
    });
  }

  private alert(record: LiveRecord, kind: 'down' | 'up', context: AlertContext): Fact['alert'] {
    return { kind, type: record.alertType, target: record.alertTarget, context };
  }

  /** Refills Redis from PostgreSQL, the system of record, when its live state is gone. */
  private async rebuildIfLost(): Promise<void> {
    if (await this.store.isReady()) {
      return;
    }
    const rows = await this.rows.all();
    await this.store.restore(rows.map(fromRow), this.env.heartbeatStartupGraceSeconds);
    this.logger.log(`live heartbeat state rebuilt from PostgreSQL (${rows.length} records)`);
  }

  private history(record: LiveRecord, action: HistoryRow['action'], at: number): HistoryRow[] {
    if (!this.env.heartbeatHistory) {
      return [];
    }
    return [
      { uid: randomUUID(), service: record.service, action, at, nextIn: record.nextIn, expected: record.expected },
    ];
  }
}
