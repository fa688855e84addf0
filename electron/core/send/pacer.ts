/**
 * Spreads the packets of each frame we send over time, as Chrome's pacer does: a keyframe written at
 * once overflows the short queue of a capped link. Paced at the link's estimate (not a lower cap on
 * what we encode), with bursts, since the browser's jitter buffer holds every frame back by how late
 * large frames complete (see docs/decisions.md, Pacing).
 */

/** Chrome's pacing factor: packets leave at 2.5x the link's estimate, so a frame takes ~40 % of its interval. */
export const PACING_FACTOR = 2.5;
/**
 * After a quiet spell, this long of the pacing rate's budget goes at once: 3 frames' share of the
 * estimate at 30 fps, what the encoder lets a keyframe be (max-intra-rate), so a keyframe leaves in
 * one burst. Larger frames (a dense edge map) leave the rest at the pacing rate.
 */
export const BURST_MS = 40;
/**
 * The longest a frame may wait in the queue: beyond it the rate rises to drain it in time. A
 * keyframe may take 250 ms (the burst a capped link cannot take at once, and rare); any other frame
 * 40 ms, so that dense filter output is not held back on a link with room to spare.
 */
export const KEYFRAME_QUEUE_MS = 250;
export const FRAME_QUEUE_MS = 40;
/** Before any estimate, and for a peer with none. */
const START_RATE_BPS = 5_000_000;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Pacer<P> {
  private readonly queue: { packet: P; bytes: number }[] = [];
  private queuedBytes = 0;
  /** When the next packet may leave (ms on the clock). */
  private nextAt = -Infinity;
  private timer: unknown;
  private rateBps = START_RATE_BPS;
  /** The rate that empties what is queued within its frames' queue limit, held until the queue is empty. */
  private drainBps = 0;

  constructor(
    private readonly send: (packet: P) => void,
    private readonly sizeOf: (packet: P) => number,
    private readonly clock: Clock = realClock,
  ) {}

  /** The link's estimated rate; packets leave at PACING_FACTOR times it. */
  setLinkRate(bps: number): void {
    this.rateBps = Math.max(100_000, bps * PACING_FACTOR);
  }

  enqueue(packets: P[], maxQueueMs = FRAME_QUEUE_MS): void {
    for (const packet of packets) {
      const bytes = this.sizeOf(packet);
      this.queue.push({ packet, bytes });
      this.queuedBytes += bytes;
    }
    this.drainBps = Math.max(this.drainBps, (this.queuedBytes * 8 * 1000) / maxQueueMs);
    this.drain();
  }

  /** Sends everything queued now (before the stream's offsets change, at a switch of source). */
  flush(): void {
    this.cancelTimer();
    while (this.queue.length) this.sendNext();
    this.drainBps = 0;
  }

  stop(): void {
    this.cancelTimer();
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.drainBps = 0;
  }

  private drain(): void {
    if (this.timer !== undefined) return;
    const now = this.clock.now();
    // Unused time does not pile up: after a quiet spell, one interval's budget goes at once.
    this.nextAt = Math.max(this.nextAt, now - BURST_MS);
    const rate = Math.max(this.rateBps, this.drainBps);
    while (this.queue.length && this.nextAt <= now) this.nextAt += (this.sendNext() * 8 * 1000) / rate;
    if (!this.queue.length) this.drainBps = 0;
    else {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, this.nextAt - now);
    }
  }

  private cancelTimer(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private sendNext(): number {
    const { packet, bytes } = this.queue.shift()!;
    this.queuedBytes -= bytes;
    this.send(packet);
    return bytes;
  }
}
