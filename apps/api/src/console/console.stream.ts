import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { ServerResponse } from 'node:http';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import { committedChannel, CommittedNotice } from '../persistence/committed';

const KEEPALIVE_MS = 15_000;
/** Streams one process serves at once; more answer 503 (each holds a socket and a little memory). */
export const MAX_STREAMS = 1000;

/**
 * The console's live updates (docs/console-api.md): one Redis subscription per process, relaying what the
 * persistence worker committed to every open server-sent-events stream of this process.
 */
@Injectable()
export class ConsoleStream implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ConsoleStream.name);
  private readonly clients = new Set<ServerResponse>();
  private subscriber: Redis | undefined;
  private keepalive: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // subscribing puts a connection in subscriber mode, so it cannot be the shared client
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    subscriber.on('error', (error: Error) => this.logger.debug(`subscriber: ${error.message}`));
    subscriber.on('message', (_channel: string, message: string) => this.relay(message));
    this.subscriber = subscriber;
    await subscriber.subscribe(committedChannel(this.env.redisPrefix));
    this.keepalive = setInterval(() => this.broadcast(': ping\n\n'), KEEPALIVE_MS).unref();
  }

  /** Before the HTTP server closes: an open stream would keep it waiting for ever. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.keepalive);
    for (const client of this.clients) {
      client.end();
    }
    this.clients.clear();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  get full(): boolean {
    return this.clients.size >= MAX_STREAMS;
  }

  /** Takes over a hijacked response: headers, a first comment, and the relay until the browser goes. */
  open(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no', // nginx would otherwise hold the events back
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  private relay(message: string): void {
    let notice: CommittedNotice;
    try {
      notice = JSON.parse(message) as CommittedNotice;
    } catch {
      return; // not ours: the channel carries only notices the writer built
    }
    const frames: string[] = [];
    if (notice.heartbeats === null || notice.heartbeats.length > 0) {
      frames.push(frame('heartbeats', { services: notice.heartbeats }));
    }
    if (notice.events > 0) {
      frames.push(frame('events', { count: notice.events }));
    }
    if (notice.hosts.length > 0) {
      frames.push(frame('hosts', { hosts: notice.hosts }));
    }
    if (frames.length > 0) {
      this.broadcast(frames.join(''));
    }
  }

  private broadcast(text: string): void {
    for (const client of this.clients) {
      // a browser that stopped reading is dropped rather than buffered for
      if (client.writableLength > 1024 * 1024) {
        client.destroy();
        this.clients.delete(client);
      } else {
        client.write(text);
      }
    }
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
