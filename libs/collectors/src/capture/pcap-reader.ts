import type { CaptureEvent } from '../network-intel/events';
import { decodeFrame } from './frame';

const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
// the largest snapshot length libpcap writes; a bigger record length means the stream is not pcap
const MAX_RECORD_BYTES = 262_144;
const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;

/**
 * A pure, incremental reader of a classic pcap stream (`tcpdump -w -`): push stdout chunks as they come,
 * get the decoded events back. Chunks may split headers and records anywhere. After a malformed global
 * header or an impossible record length the reader stops for good and says why in `error`.
 */
export class PcapReader {
  /** The stream's link type, once the global header has been read. */
  linkType: number | null = null;
  /** Why the reader stopped; null while the stream looks like pcap. */
  error: string | null = null;
  private littleEndian = true;
  private pending: Buffer = Buffer.alloc(0);

  /** Decodes every complete record now available; keeps a partial one for the next chunk. */
  push(chunk: Uint8Array): CaptureEvent[] {
    if (this.error !== null) {
      return [];
    }
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const events: CaptureEvent[] = [];
    let offset = 0;
    if (this.linkType === null) {
      if (this.pending.length < GLOBAL_HEADER_BYTES) {
        return events;
      }
      if (!this.readGlobalHeader(this.pending)) {
        this.pending = Buffer.alloc(0);
        return events;
      }
      offset = GLOBAL_HEADER_BYTES;
    }
    const linkType = this.linkType ?? -1;
    while (this.pending.length - offset >= RECORD_HEADER_BYTES) {
      const included = this.u32(this.pending, offset + 8);
      if (included > MAX_RECORD_BYTES) {
        this.error = `pcap record of ${included} bytes`;
        this.pending = Buffer.alloc(0);
        return events;
      }
      const end = offset + RECORD_HEADER_BYTES + included;
      if (end > this.pending.length) {
        break;
      }
      const event = decodeFrame(linkType, this.pending.subarray(offset + RECORD_HEADER_BYTES, end));
      if (event) {
        events.push(event);
      }
      offset = end;
    }
    this.pending = this.pending.subarray(offset);
    return events;
  }

  private readGlobalHeader(header: Buffer): boolean {
    const big = header.readUInt32BE(0);
    const little = header.readUInt32LE(0);
    if (little === MAGIC_MICROS || little === MAGIC_NANOS) {
      this.littleEndian = true;
    } else if (big === MAGIC_MICROS || big === MAGIC_NANOS) {
      this.littleEndian = false;
    } else {
      this.error = `not a pcap stream (magic 0x${big.toString(16).padStart(8, '0')})`;
      return false;
    }
    // the upper bits of the link-type field may carry FCS information
    this.linkType = this.u32(header, 20) & 0xffff;
    return true;
  }

  private u32(b: Buffer, offset: number): number {
    return this.littleEndian ? b.readUInt32LE(offset) : b.readUInt32BE(offset);
  }
}

/** Every event of a complete pcap byte string, plus the reader's verdict (for fixtures and tests). */
export function decodePcap(bytes: Uint8Array): {
  linkType: number | null;
  events: CaptureEvent[];
  error: string | null;
} {
  const reader = new PcapReader();
  const events = reader.push(bytes);
  return { linkType: reader.linkType, events, error: reader.error };
}
