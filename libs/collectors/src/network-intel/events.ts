import type { PacketCaptureState } from '@lib/wire-format';

/** A TCP SYN without ACK, seen in either direction (collectors spec §3.13). */
export interface ConnAttempt {
  kind: 'conn';
  srcIp: string;
  dstIp: string;
  dstPort: number;
}

/** A DNS question; `client` is the packet's source and `server` its destination. */
export interface DnsQuery {
  kind: 'dns-query';
  txid: number;
  client: string;
  server: string;
  /** First question name, labels joined by `.`. */
  qname: string;
}

/** A DNS answer; `client` is the packet's destination and `server` its source. */
export interface DnsResponse {
  kind: 'dns-response';
  txid: number;
  client: string;
  server: string;
  /** Low 4 bits of header byte 3 (3 = NXDOMAIN). */
  rcode: number;
}

/** What a packet capture produces. */
export type CaptureEvent = ConnAttempt | DnsQuery | DnsResponse;

/** One interface's truncated rates of the current cycle, fed to the bandwidth detector (§4.7). */
export interface RateSample {
  iface: string;
  rxBps: number;
  txBps: number;
}

/** A pluggable producer of capture events: tcpdump on a host, a manual source in tests. */
export interface EventSource {
  /** `active` while events may arrive, `unavailable` when capture could not start or died, `off` when stopped. */
  readonly state: PacketCaptureState;
  /** Starts delivering events to `sink`, one at a time. Resolves with the resulting state; never rejects. */
  start(sink: (event: CaptureEvent) => void): Promise<PacketCaptureState>;
  /** Stops delivery and releases the capture (kills the child process). Never rejects. */
  stop(): Promise<void>;
}
