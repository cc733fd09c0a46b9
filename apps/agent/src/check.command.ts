import { AgentEnv } from './config/env';
import { requireUplink } from './config/uplink';
import { AGENT_VERSION } from './once.command';
import { HostSampler } from './host-sampler';
import { byeMessage, helloMessage, ServerMessage } from './uplink.messages';
import { describeEnd, SOCKET_TIMING, UplinkSocket } from './uplink.socket';

export interface CheckOutcome {
  ok: boolean;
  /** One line: what worked, or why not. */
  line: string;
}

/**
 * `check`: connect, authenticate, hello, and report the welcome with its round-trip time. It ends with `bye`
 * so a check on a host where the service is not running yet leaves no presence service behind to alert; a
 * running agent whose connection the check replaced re-arms its presence with its next hello and ingest.
 */
export class CheckCommand {
  constructor(
    private readonly env: AgentEnv,
    private readonly sampler: HostSampler,
  ) {}

  async run(): Promise<CheckOutcome> {
    const { gatewayUrl, key } = requireUplink(this.env);
    const host = await this.sampler.hostInfo();
    return new Promise<CheckOutcome>((resolve) => {
      let outcome: CheckOutcome | null = null;
      let helloAt = 0;
      let welcomeTimer: NodeJS.Timeout | null = null;
      const done = (result: CheckOutcome): void => {
        outcome ??= result;
        if (welcomeTimer !== null) {
          clearTimeout(welcomeTimer);
        }
      };
      const socket: UplinkSocket = new UplinkSocket(gatewayUrl, key, {
        opened: () => {
          helloAt = performance.now();
          socket.send(helloMessage(AGENT_VERSION, host));
          welcomeTimer = setTimeout(() => {
            done({ ok: false, line: `timeout: no welcome within ${SOCKET_TIMING.handshakeMs / 1000} s` });
            socket.terminate();
          }, SOCKET_TIMING.handshakeMs);
        },
        message: (message) => {
          if (message.type === 'welcome' && outcome === null) {
            done({ ok: true, line: welcomeLine(gatewayUrl, message, performance.now() - helloAt) });
            socket.send(byeMessage('check'));
            // the server closes after a bye; this is the fallback if it does not
            setTimeout(() => socket.close(1000, 'check'), 1000).unref();
          }
        },
        unreadable: () => undefined,
        ended: (end) => {
          done({ ok: false, line: describeEnd(end, gatewayUrl) });
          resolve(outcome!);
        },
      });
    });
  }
}

function welcomeLine(url: string, welcome: ServerMessage & { type: 'welcome' }, rttMs: number): string {
  const server = welcome.server_version ? `server ${welcome.server_version} at ${url}` : `server at ${url}`;
  const time = welcome.server_time ? `, server time ${welcome.server_time}` : '';
  return `ok: ${server} welcomed agent ${welcome.agent_id ?? '?'} (host ${welcome.host_id ?? '?'})${time}, hello→welcome ${Math.round(rttMs)} ms`;
}
