import { scaledSize, ScaleSteps, STEPS } from './scale-steps.js';

/** How long a window of frames is judged over, and the fewest inter frames it needs. */
const WINDOW_MS = 2000;
const MIN_FRAMES = 3;
/** The highest frame rate a picture size must fit the link at (frames may come slower: see frameReady). */
const TARGET_FPS = 30;
/** Scale down when sending every frame at TARGET_FPS would need this much more than the link carries. */
const DOWN_WHEN_DEMAND = 1.4;
/**
 * ...and only when the encoder is already quantising coarsely (this share of its range, as Chrome's
 * quality scaler looks at QP): a finely quantised encoder that is over the link is only late to
 * follow a falling estimate (it is reopened at the new target within 0.5-2 s).
 */
const DOWN_WHEN_QUANTISER = 0.5;
/** Scale up when every frame at the next size up (bits grown with its area) would still fit this share of the link. */
const UP_WHEN_DEMAND = 0.7;
/** A link rate that grew by this factor over a window is still climbing. */
const CLIMBING = 1.08;
/** ...or when the encoder's quantiser, as a share of its range, stays this fine (bits to spare). */
const UP_WHEN_QUANTISER = 0.3;
/**
 * The size we encode at, as Chrome's quality scaler does: when the encoder cannot bring a frame
 * under the link's budget (a dense filter output), a smaller picture at full frame rate beats
 * skipping frames down to a few per second. The browser scales it back up on screen.
 */
export class LinkScale {
  private readonly steps = new ScaleSteps(WINDOW_MS, () => (this.windowStart = undefined));
  private windowStart?: number;
  /** The link rate when this window began: one still climbing is not a limit yet. */
  private windowLinkRate = 0;
  /** Frames that came to be encoded in this window, sent or skipped for the budget. */
  private ready = 0;
  /** Inter frames encoded in this window, their bits and quantisers (keyframes are one-offs: not counted). */
  private encoded = 0;
  private bits = 0;
  private quantisers = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get factor(): number {
    return this.steps.factor;
  }

  /** The encoded size for a camera picture of `width` x `height` (even, as 4:2:0 needs). */
  size(width: number, height: number): { width: number; height: number } {
    return scaledSize(width, height, this.factor);
  }

  /** Back to the camera's size. */
  reset(): void {
    this.steps.reset(this.now());
  }

  /**
   * A frame came to be encoded, whether it is then sent or skipped for the budget. A size must fit
   * the rate frames come at (the camera's, or fewer from a slow filter), not always 30 fps: a slower
   * filter gets larger frames from the encoder's rate control, which is no reason to shrink.
   */
  frameReady(): void {
    this.ready++;
  }

  /**
   * Each inter frame encoded: its size in bits and its quantiser as a share of the codec's range
   * (0 finest, 1 coarsest); `linkRate` is what may be sent (bits/s, Infinity for no limit); `factor`
   * the scale it was encoded at, when CpuScale holds the size below this one's. Frames skipped for
   * the budget need not be reported (what counts is a frame's cost at this size). New size: size().
   */
  interFrame(bits: number, quantiser: number, linkRate: number, factor = this.factor): void {
    const now = this.now();
    const windowStart = this.windowStart ?? this.startWindow(now, linkRate);
    this.encoded++;
    this.bits += bits;
    this.quantisers += quantiser;
    if (now - windowStart < WINDOW_MS || this.encoded < MIN_FRAMES) return;
    // What sending every frame that comes at this size would take, and how coarsely it is quantised.
    const fps = Math.min(TARGET_FPS, (this.ready * 1000) / (now - windowStart));
    const demand = (this.bits / this.encoded) * fps;
    const quantised = this.quantisers / this.encoded;
    // The send-side estimate ramps up (8 %/s) from its start: scale down only for a link that stopped growing.
    const climbing = linkRate > CLIMBING * this.windowLinkRate;
    const at = STEPS.indexOf(factor);
    this.startWindow(now, linkRate);
    if (demand > DOWN_WHEN_DEMAND * linkRate && quantised > DOWN_WHEN_QUANTISER && !climbing) {
      // Straight to the largest size whose frames (bits ~ area, for the dense pictures that get here) fit.
      this.steps.down(at, (step) => demand * (STEPS[step]! / factor) ** 2 <= linkRate, now);
      return;
    }
    // Frames encoded smaller than this scale's size say little of what this size would cost (their
    // quantiser is finer): going up is for when the link is what holds the size down.
    if (this.steps.mayGoUp(at, now)) {
      const growth = (STEPS[at - 1]! / STEPS[at]!) ** 2;
      if (demand * growth < UP_WHEN_DEMAND * linkRate || quantised < UP_WHEN_QUANTISER) this.steps.up(now);
    }
  }

  private startWindow(now: number, linkRate: number): number {
    this.windowStart = now;
    this.windowLinkRate = linkRate;
    this.ready = 0;
    this.encoded = 0;
    this.bits = 0;
    this.quantisers = 0;
    return now;
  }
}
