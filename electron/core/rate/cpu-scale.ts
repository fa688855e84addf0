import { FPS } from './encoder-rate.js';
import { ScaleSteps, STEPS } from './scale-steps.js';

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
  private readonly steps = new ScaleSteps(WINDOW_MS, () => (this.windowStart = undefined));
  private windowStart?: number;
  /** This window: frames that came to be processed (decoded, not skipped for the link's budget), */
  private frames = 0;
  /** frames processed, the time decoding everything took, and the time the processed frames took. */
  private processed = 0;
  private decodeMs = 0;
  private workMs = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get factor(): number {
    return this.steps.factor;
  }

  /** Back to the camera's size (a new chain, a recording that pins the size). */
  reset(): void {
    this.steps.reset(this.now());
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
    if (busy(at) > DOWN_WHEN_BUSY) {
      this.steps.down(at, (step) => busy(step) <= TARGET_BUSY, now, Math.max(this.steps.step, at));
      return;
    }
    // Only this scale's own step may go up (the link's may be what holds the size down).
    if (this.steps.mayGoUp(at, now) && busy(at - 1) < UP_WHEN_BUSY) this.steps.up(now);
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
