/** Linear scales of the picture we encode, from the camera's own size down. */
export const STEPS = [1, 0.75, 0.5, 0.375, 0.25];
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
 * An upward step waits this long after any change: stepping up costs a keyframe, a step back down
 * another. Each up-step undone within a window doubles the wait (to 1 minute).
 */
export const UP_HOLD_MS = 6000;
export const MAX_UP_HOLD_MS = 60_000;

/**
 * The size we encode at, as Chrome's quality scaler does: when the encoder cannot bring a frame
 * under the link's budget (a dense filter output), a smaller picture at full frame rate beats
 * skipping frames down to a few per second. The browser scales it back up on screen.
 */
export class LinkScale {
  private step = 0;
  private windowStart?: number;
  /** The link rate when this window began: one still climbing is not a limit yet. */
  private windowLinkRate = 0;
  /** Frames that came to be encoded in this window, sent or skipped for the budget. */
  private ready = 0;
  /** Inter frames encoded in this window, their bits and quantisers (keyframes are one-offs: not counted). */
  private encoded = 0;
  private bits = 0;
  private quantisers = 0;
  private changedAt = -Infinity;
  private upHoldMs = UP_HOLD_MS;
  private steppedUpAt = -Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get factor(): number {
    return STEPS[this.step];
  }

  /** The encoded size for a camera picture of `width` x `height` (even, as 4:2:0 needs). */
  size(width: number, height: number): { width: number; height: number } {
    return scaledSize(width, height, this.factor);
  }

  /** Back to the camera's size. */
  reset(): void {
    this.moveTo(0, this.now());
    this.upHoldMs = UP_HOLD_MS;
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
    if (demand > DOWN_WHEN_DEMAND * linkRate && quantised > DOWN_WHEN_QUANTISER && !climbing && at < STEPS.length - 1) {
      // An up-step that did not hold: wait longer before the next one.
      if (now - this.steppedUpAt < 2 * WINDOW_MS) this.upHoldMs = Math.min(MAX_UP_HOLD_MS, this.upHoldMs * 2);
      // Straight to the largest size whose frames (bits ~ area, for the dense pictures that get here) fit.
      let step = at + 1;
      while (step < STEPS.length - 1 && demand * (STEPS[step] / factor) ** 2 > linkRate) step++;
      this.moveTo(step, now);
      return;
    }
    // Frames encoded smaller than this scale's size say little of what this size would cost (their
    // quantiser is finer): going up is for when the link is what holds the size down.
    if (this.step > 0 && at === this.step && now - this.changedAt > this.upHoldMs) {
      const growth = (STEPS[this.step - 1] / STEPS[this.step]) ** 2;
      if (demand * growth < UP_WHEN_DEMAND * linkRate || quantised < UP_WHEN_QUANTISER) {
        this.steppedUpAt = now;
        this.moveTo(this.step - 1, now);
      }
    }
  }

  private moveTo(step: number, now: number): void {
    if (step === this.step) return;
    this.step = step;
    this.changedAt = now;
    // The new size starts with a keyframe (a burst): judge it on a fresh window.
    this.windowStart = undefined;
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

/** A camera picture of `width` x `height` at the linear scale `factor` (even sides, as 4:2:0 needs). */
export function scaledSize(width: number, height: number, factor: number): { width: number; height: number } {
  return factor === 1 ? { width, height } : { width: evenSide(width * factor), height: evenSide(height * factor) };
}

/** A side of a 4:2:0 picture near `n` pixels: even, at least 2. */
export function evenSide(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}
