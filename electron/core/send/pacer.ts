/**
 * Spreads the packets of each frame we send over time, as Chrome's pacer does, instead of writing
 * a whole frame at once. A keyframe is 10-30 packets: written in one burst, it overflows the short
 * queue of a capped link (a 1 Mbps uplink with 200 ms of buffer drops the tail of a 30 KB burst),
 * the browser asks for another keyframe, and the picture freezes and shrinks. Paced at a multiple
 * of the link's estimate, the same frame fits: the link's queue stays short and nothing is dropped.
 *
 * Pacing is not free: the browser's jitter buffer learns how much later a large frame completes
 * than a small one and holds every frame back by that times its largest frame. So the pace
 * follows the link (not a lower cap on what we encode), and a burst may go at once.
 */

/** Chrome's pacing factor: packets leave at 2.5x the link's estimate, so a frame takes ~40 % of its interval. */
export const PACING_FACTOR = 2.5;
/**
 * After a quiet spell, this long of the pacing rate's budget goes at once. A 640x480 keyframe on a 2 Mbps estimate (11 KB; 25 KB of budget)
 * then leaves at once, where a 5 ms burst spread it over 18 ms: the browser held every frame
 * back ~35 ms more (bench, edges). The burst is 3 frames' share of the estimate at 30 fps, which
 * is what the encoder lets a keyframe be (max-intra-rate): on a 1 Mbps link, 12.5 KB, 100 ms of
 * its queue. Larger frames (a dense edge map) leave the rest at the pacing rate.
 */
export const BURST_MS = 40;
/**
 * The longest a frame may wait in the queue: beyond it the rate rises to drain it in time. A
 * keyframe may take 250 ms (it is the burst a capped link cannot take at once, and it is rare);
 * any other frame 40 ms: a dense filter output (an edge map at 720p: 50-100 KB a frame at a
 * 2.8 Mbps estimate) paced at 2.5x the estimate took ~100 ms a frame and added 100-150 ms of
 * latency on a link with room to spare (bench, 1280x720 edges).
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
