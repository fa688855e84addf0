import { FPS } from './encoder-rate.js';
import { STEPS, UP_HOLD_MS, MAX_UP_HOLD_MS } from './link-scale.js';

/** How long a window of frames is judged over, and the fewest processed frames it needs. */
const WINDOW_MS = 2000;
const MIN_FRAMES = 10;
/**
 * Scale down when processing every frame that comes (up to the encoder's FPS; a camera may send
 * fewer, and then only those count) would take more than this share of the worker's time: the
 * decoder then replaces frames while the chain works, and what the phone shows stutters.
 */
const DOWN_WHEN_BUSY = 0.95;
/** ...to the largest size at which it would take at most this share (room for the scene to get harder). */
const TARGET_BUSY = 0.8;
/** Scale up when the next size up would take less than this share (WebRTC's CPU adaptation uses 85 % / 42 % of encode time). */
const UP_WHEN_BUSY = 0.7;

/**
 * The size the codec worker keeps up with the camera at, as WebRTC's CPU adaptation does: when
 * filter, conversions and encoder take longer than the time between frames, the picture is
 * processed smaller rather than at a lower frame rate. Only for chains that mean the same at any
 * size (Transform.workWidth); other chains keep the camera's size and the phone lowers its frame
 * rate instead. Pure (a clock in); SendPolicy encodes at the smaller of this and LinkScale's size.
 * Cost model: decoding is per frame that comes, at the camera's size; the rest (conversions, chain,
 * encode) is per processed frame and grows with the area.
 */
export class CpuScale {
  private step = 0;
  private windowStart?: number;
  /** This window: frames that came to be processed (decoded, not skipped for the link's budget), */
  private frames = 0;
  /** frames processed, the time decoding everything took, and the time the processed frames took. */
  private processed = 0;
  private decodeMs = 0;
  private workMs = 0;
  private changedAt = -Infinity;
  private upHoldMs = UP_HOLD_MS;
  private steppedUpAt = -Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get factor(): number {
    return STEPS[this.step];
  }

  /** Back to the camera's size (a new chain, a recording that pins the size). */
  reset(): void {
    this.moveTo(0, this.now());
    this.upHoldMs = UP_HOLD_MS;
  }

  /**
   * One frame processed at the linear scale `factor` of the camera's size (the smaller of this and
   * the link's): `frames` came for it (it and those the decoder replaced while the worker was busy;
   * not those skipped for the budget), decoding them took `decodeMs`, converting, transforming and
   * encoding it `workMs`.
   */
  processedFrame({ frames, decodeMs, workMs, factor }: { frames: number; decodeMs: number; workMs: number; factor: number }): void {
    const now = this.now();
    const windowStart = this.windowStart ?? this.startWindow(now);
    this.frames += frames;
    this.processed++;
    this.decodeMs += decodeMs;
    this.workMs += workMs;
    const elapsed = now - windowStart;
    if (elapsed < WINDOW_MS || this.processed < MIN_FRAMES) return;
    const toProcess = Math.min(this.frames, (FPS * elapsed) / 1000);
    const perFrame = this.workMs / this.processed;
    // The share of the worker's time that processing every frame at step `step` would take.
    const busy = (step: number) => (this.decodeMs + perFrame * toProcess * (STEPS[step] / factor) ** 2) / elapsed;
    const at = STEPS.indexOf(factor);
    this.startWindow(now);
    if (busy(at) > DOWN_WHEN_BUSY && at < STEPS.length - 1) {
      if (now - this.steppedUpAt < 2 * WINDOW_MS) this.upHoldMs = Math.min(MAX_UP_HOLD_MS, this.upHoldMs * 2);
      let step = Math.max(this.step, at) + 1;
      while (step < STEPS.length - 1 && busy(step) > TARGET_BUSY) step++;
      this.moveTo(step, now);
      return;
    }
    // Only this scale's own step may go up (the link's may be what holds the size down).
    if (this.step > 0 && this.step === at && now - this.changedAt > this.upHoldMs && busy(at - 1) < UP_WHEN_BUSY) {
      this.steppedUpAt = now;
      this.moveTo(at - 1, now);
    }
  }

  private moveTo(step: number, now: number): void {
    if (step === this.step) return;
    this.step = step;
    this.changedAt = now;
    // The new size starts with a keyframe and new Mats: judge it on a fresh window.
    this.windowStart = undefined;
  }

  private startWindow(now: number): number {
    this.windowStart = now;
    this.frames = 0;
    this.processed = 0;
    this.decodeMs = 0;
    this.workMs = 0;
    return now;
  }
}
