import { timestampDelta } from '../media/rtp-math.js';

/** RTP ticks per ms (VP8 and H.264 video both run at 90 kHz). */
const TICKS_PER_MS = 90;
/** Arrival times kept for frames not yet sent back (3 s at 30 fps); a frame older than that is long dropped. */
const MAX_PENDING = 90;

/**
 * The RTP timestamps of the frames we process and send back: the camera's own, moved later by the
 * time each frame spent here (arrival to hand-over to the pacer), so the browser's jitter buffer
 * does not take our varying processing time for network jitter; still in the camera's timeline, so
 * a switch to forwarding does not jump back (see docs/decisions.md, Processed frames carry their own timestamps).
 */
export class OutputTimestamps {
  /** Arrival time (ms) of each camera frame not yet stamped, by its RTP timestamp, oldest first. */
  private readonly arrivals = new Map<number, number>();
  private last?: number;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A camera frame came in whole: the time it spends here starts now. */
  arrived(timestamp: number): void {
    if (this.arrivals.has(timestamp)) return;
    this.arrivals.set(timestamp, this.now());
    if (this.arrivals.size > MAX_PENDING) this.arrivals.delete(this.arrivals.keys().next().value!);
  }

  /**
   * The timestamp to send the processed picture of camera frame `timestamp` with: later by the time
   * it spent here (unknown: none), and always after the one stamped before.
   */
  stamp(timestamp: number): number {
    const arrivedAt = this.arrivals.get(timestamp);
    const held = arrivedAt === undefined ? 0 : Math.max(0, Math.round((this.now() - arrivedAt) * TICKS_PER_MS));
    let out = (timestamp + held) >>> 0;
    if (this.last !== undefined && timestampDelta(out, this.last) <= 0) out = (this.last + 1) >>> 0;
    this.last = out;
    // This frame and those before it are done (frames dropped unprocessed never get stamped).
    for (const [pending] of this.arrivals) {
      if (timestampDelta(pending, timestamp) > 0) break;
      this.arrivals.delete(pending);
    }
    return out;
  }
}
