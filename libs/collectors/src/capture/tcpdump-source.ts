import type { PacketCaptureState } from '@lib/wire-format';
import type { CaptureEvent, EventSource } from '../network-intel/events';
import { PcapReader } from './pcap-reader';
import { type ChildExit, type ChildHandle, hostSpawner, type Spawner } from './spawner';

/** The reference's filter: SYNs without ACK, and DNS over UDP (collectors spec §3.13). */
export const CAPTURE_FILTER =
  '(tcp and tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack = 0) or (udp and port 53)';

/** `tcpdump -i <iface> -U -s 512 -w - <filter>`: packet-buffered pcap on stdout. */
export function tcpdumpArgs(iface: string): string[] {
  return ['-i', iface, '-U', '-s', '512', '-w', '-', CAPTURE_FILTER];
}

/** Options of {@link TcpdumpSource}. */
export interface TcpdumpSourceOptions {
  /** A real interface name; the caller resolves `CAPTURE_INTERFACE=auto` to the default route's. */
  iface: string;
  spawner?: Spawner;
  /** How long tcpdump may stay silent before a still-running process counts as capturing (default 3 s). */
  startTimeoutMs?: number;
  /** Receives one line per state change worth logging (start failure, death of the capture). */
  log?: (message: string) => void;
}

const MAX_STDERR_CHARS = 2048;
const STOP_TIMEOUT_MS = 2000;

/**
 * Packet capture through a `tcpdump` child process. `start()` never rejects: a missing program, no
 * `CAP_NET_RAW` or an early exit resolve to `unavailable`, and the agent goes on with bandwidth only.
 */
export class TcpdumpSource implements EventSource {
  state: PacketCaptureState = 'off';
  /** Why capture is unavailable, in tcpdump's words when it gave any. */
  reason: string | null = null;
  private child: ChildHandle | null = null;
  private exit: Promise<ChildExit> | null = null;

  constructor(private readonly options: TcpdumpSourceOptions) {}

  async start(sink: (event: CaptureEvent) => void): Promise<PacketCaptureState> {
    if (this.child) {
      return this.state;
    }
    const child = (this.options.spawner ?? hostSpawner)('tcpdump', tcpdumpArgs(this.options.iface));
    this.child = child;
    const reader = new PcapReader();
    let stderr = '';
    let confirm: () => void = () => undefined;
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));

    child.onStderr((chunk) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-MAX_STDERR_CHARS);
      // tcpdump prints "listening on <iface>, link-type ..." once the device is open
      if (stderr.includes('listening on')) {
        confirm();
      }
    });
    child.onStdout((chunk) => {
      if (this.child !== child) {
        return;
      }
      const events = reader.push(chunk);
      if (reader.linkType !== null) {
        confirm();
      }
      if (reader.error !== null) {
        this.child = null;
        this.fail(`unreadable tcpdump output: ${reader.error}`);
        child.kill();
        return;
      }
      for (const event of events) {
        sink(event);
      }
    });
    this.exit = new Promise<ChildExit>((resolve) => child.onExit(resolve));
    void this.exit.then((exit) => {
      if (this.child === child) {
        this.child = null;
        this.fail(describeExit(exit, stderr));
      }
    });

    await within(Promise.race([confirmed, this.exit]), this.options.startTimeoutMs ?? 3000);
    if (this.child === child && this.state === 'off') {
      this.state = 'active';
    }
    return this.state;
  }

  async stop(): Promise<void> {
    const child = this.child;
    const exit = this.exit;
    this.child = null;
    this.state = 'off';
    if (child && exit) {
      child.kill();
      await within(exit, STOP_TIMEOUT_MS);
    }
  }

  private fail(reason: string): void {
    this.state = 'unavailable';
    this.reason = reason;
    this.options.log?.(`packet capture unavailable, only the bandwidth detector runs: ${reason}`);
  }
}

/** Waits for `promise`, or `ms` at most; the timer never outlives the wait. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}

function describeExit(exit: ChildExit, stderr: string): string {
  if (exit.error === 'ENOENT') {
    return 'tcpdump is not installed';
  }
  if (exit.error !== null) {
    return `tcpdump could not start (${exit.error})`;
  }
  // the last line is the error ("You don't have permission to capture on that device ...")
  const last = stderr.trim().split('\n').pop()?.trim();
  const status = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  return last ? `tcpdump exited (${status}): ${last}` : `tcpdump exited (${status})`;
}
