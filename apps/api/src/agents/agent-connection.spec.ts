import { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Clock } from '../common/clock';
import { Agent } from '../database/entities';
import { AgentConnection, ConnectionDeps, PING_EVERY_MS } from './agent-connection';

// Real sockets on loopback: the keepalive's timing is what is under test, driven through the Clock.
describe('AgentConnection keepalive', () => {
  const SOCKETS = 120;
  let server: WebSocketServer;
  let clients: WebSocket[] = [];
  let serverSockets: WebSocket[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => serverSockets.push(socket));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    clients = await Promise.all(
      Array.from(
        { length: SOCKETS },
        async () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(url);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    while (serverSockets.length < SOCKETS) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  afterAll(async () => {
    clients.forEach((ws) => ws.terminate());
    await new Promise((resolve) => server.close(resolve));
    clients = [];
    serverSockets = [];
  });

  it('spreads the pings of sockets that connected together over the 30 s, each one every 30 s', () => {
    const t0 = 1_000_000;
    const clock = new Clock();
    clock.nowMs = () => t0;
    const deps = { clock } as unknown as ConnectionDeps;
    const pings = serverSockets.map((socket) => jest.spyOn(socket, 'ping'));
    const connections = serverSockets.map(
      (socket, i) => new AgentConnection({ id: `a${i}`, name: `agent-${i}` } as Agent, socket, 'ws', deps),
    );
    const perTick: number[] = [];
    const firstTick: number[] = [];
    const ticks = 60; // two full periods, one tick a second
    for (let tick = 0; tick <= ticks; tick++) {
      const before = pings.map((spy) => spy.mock.calls.length);
      connections.forEach((connection) => connection.keepalive(t0 + tick * 1000));
      const pinged = pings.filter((spy, i) => spy.mock.calls.length > before[i]!).length;
      perTick.push(pinged);
      pings.forEach((spy, i) => {
        if (firstTick[i] === undefined && spy.mock.calls.length > 0) {
          firstTick[i] = tick;
        }
      });
    }
    // nobody is pinged on connecting, everybody within 30 s, and again 30 s after their first ping
    expect(perTick[0]).toBe(0);
    expect(firstTick.filter((tick) => tick !== undefined)).toHaveLength(SOCKETS);
    expect(Math.max(...firstTick)).toBeLessThanOrEqual(PING_EVERY_MS / 1000);
    pings.forEach((spy) => expect(spy.mock.calls).toHaveLength(2));
    // spread: about 4 a tick; all in one tick is what this replaced (odds of any tick above a fifth: < 1e-9)
    expect(Math.max(...perTick)).toBeLessThanOrEqual(SOCKETS / 5);
    expect(new Set(firstTick).size).toBeGreaterThan(10);
  });
});
