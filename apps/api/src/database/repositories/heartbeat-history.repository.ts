import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { HeartbeatHistory } from '../entities';

/** One transition of a record (HEARTBEAT_HISTORY=true): times are epoch seconds; `uid` makes a rewrite a no-op. */
export interface HistoryRow {
  uid: string;
  service: string;
  action: 'pulse' | 'cancel' | 'alert';
  at: number;
  nextIn: number;
  expected: number;
}

/** The only reader and writer of `heartbeat_history`. */
@Injectable()
export class HeartbeatHistoryRepository {
  constructor(@InjectRepository(HeartbeatHistory) private readonly history: Repository<HeartbeatHistory>) {}

  /** One statement for any batch size (unnest); a uid already stored is skipped. */
  async insert(rows: HistoryRow[], tx?: EntityManager): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await (tx ?? this.history.manager).query(
      `INSERT INTO heartbeat_history (uid, service, action, at, next_in, expected)
       SELECT u, s, a, to_timestamp(t), n, to_timestamp(e)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::bigint[]) AS x(u, s, a, t, n, e)
       ON CONFLICT (uid) DO NOTHING`,
      [
        rows.map((h) => h.uid),
        rows.map((h) => h.service),
        rows.map((h) => h.action),
        rows.map((h) => h.at),
        rows.map((h) => h.nextIn),
        rows.map((h) => h.expected),
      ],
    );
  }

  /** The latest `count` transitions of a service, newest first (the console's history strip). */
  async recent(service: string, count: number): Promise<Pick<HistoryRow, 'action' | 'at' | 'nextIn' | 'expected'>[]> {
    const rows = await this.history
      .createQueryBuilder('h')
      .select('h.action', 'action')
      .addSelect('extract(epoch FROM h.at)::bigint', 'at')
      .addSelect('h.next_in', 'nextIn')
      .addSelect('extract(epoch FROM h.expected)::bigint', 'expected')
      .where('h.service = :service', { service })
      .orderBy('h.at', 'DESC')
      .addOrderBy('h.id', 'DESC')
      .limit(count)
      .getRawMany<{ action: HistoryRow['action']; at: string; nextIn: number; expected: string }>();
    return rows.map((row) => ({ ...row, at: Number(row.at), expected: Number(row.expected) }));
  }
}
