import type { GuardCounts } from '../base/guard-counts.js';

/** A camera may send up to this multiple of the bitrate our answer announced: keyframe bursts, retransmissions, audio. */
const HEADROOM = 2;
/** Packets a second allowed: the byte budget in packets of this average size (a real camera's are ~1,100 bytes). */
const MIN_AVERAGE_PACKET_BYTES = 500;

/** Takes `n` from a budget refilled at `rate` a second, holding at most a second's worth. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = rate;
    this.at = now();
  }

  take(n = 1): boolean {
    const now = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.at) * this.rate) / 1000);
    this.at = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

/**
 * The most one peer's RTP may cost us, relative to what was negotiated: bytes a second up to
 * HEADROOM x the bitrate our answer announced (b=AS), packets a second as if they averaged
 * MIN_AVERAGE_PACKET_BYTES. What is over is dropped before werift's receiver sees it, and counted.
 */
export class InboundLimit {
  private readonly bytes: TokenBucket;
  private readonly packets: TokenBucket;

  constructor(
    announcedBps: number,
    private readonly counts: GuardCounts,
    now?: () => number,
  ) {
    const bytesPerSecond = (HEADROOM * announcedBps) / 8;
    this.bytes = new TokenBucket(bytesPerSecond, now);
    this.packets = new TokenBucket(bytesPerSecond / MIN_AVERAGE_PACKET_BYTES, now);
  }

  /** One packet of `size` bytes: false when it is over the budget (dropped). */
  admit(size: number): boolean {
    if (this.packets.take() && this.bytes.take(size)) return true;
    this.counts.packetsDropped++;
    this.counts.bytesDropped += size;
    return false;
  }
}
