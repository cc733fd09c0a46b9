import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PingState } from '../entities';

/** The only reader and writer of `ping_states`: what each URL monitor remembers across restarts (§9). */
@Injectable()
export class PingStatesRepository {
  constructor(@InjectRepository(PingState) private readonly states: Repository<PingState>) {}

  /** A monitor seen for the first time starts as up since `lastPingSuccess`; an existing state is kept. */
  async ensure(service: string, lastPingSuccess: Date): Promise<void> {
    await this.states
      .createQueryBuilder()
      .insert()
      .values({ service, lastPing: null, lastPingSuccess, alerted: false })
      .orIgnore()
      .execute();
  }

  async all(): Promise<PingState[]> {
    return this.states.find();
  }

  async get(service: string): Promise<PingState | null> {
    return this.states.findOneBy({ service });
  }

  async save(state: PingState): Promise<void> {
    await this.states.save(state);
  }
}
