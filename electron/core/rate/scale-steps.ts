/** Linear scales of the picture we encode, from the camera's own size down. */
export const STEPS = [1, 0.75, 0.5, 0.375, 0.25];
/**
 * An upward step waits this long after any change: stepping up costs a keyframe, a step back down
 * another. Each up-step undone within two windows doubles the wait (to 1 minute).
 */
export const UP_HOLD_MS = 6000;
export const MAX_UP_HOLD_MS = 60_000;

/**
 * The ladder LinkScale and CpuScale both climb: the step each is at, and the rules for moving
 * (down at once to the largest size that fits; up one step at a time, after a hold that grows
 * when up-steps do not last). Each scale judges its own windows and calls these.
 */
export class ScaleSteps {
  step = 0;
  private changedAt = -Infinity;
  private upHoldMs = UP_HOLD_MS;
  private steppedUpAt = -Infinity;

  /** `onMove`: the new size starts with a keyframe and new buffers, so the scale judges it on a fresh window. */
  constructor(
    private readonly windowMs: number,
    private readonly onMove: () => void,
  ) {}

  get factor(): number {
    return STEPS[this.step]!;
  }

  /** Back to the camera's size, with the shortest hold. */
  reset(now: number): void {
    this.moveTo(0, now);
    this.upHoldMs = UP_HOLD_MS;
  }

  /** Down from step `at` to the first step below it that `fits` (or the smallest). */
  down(at: number, fits: (step: number) => boolean, now: number, from = at): void {
    if (at >= STEPS.length - 1) return;
    // An up-step that did not hold: wait longer before the next one.
    if (now - this.steppedUpAt < 2 * this.windowMs) this.upHoldMs = Math.min(MAX_UP_HOLD_MS, this.upHoldMs * 2);
    let step = Math.min(from + 1, STEPS.length - 1);
    while (step < STEPS.length - 1 && !fits(step)) step++;
    this.moveTo(step, now);
  }

  /** Whether this scale may go up from `at` now: it is what holds the size there, and the hold is over. */
  mayGoUp(at: number, now: number): boolean {
    return this.step > 0 && at === this.step && now - this.changedAt > this.upHoldMs;
  }

  up(now: number): void {
    this.steppedUpAt = now;
    this.moveTo(this.step - 1, now);
  }

  private moveTo(step: number, now: number): void {
    if (step === this.step) return;
    this.step = step;
    this.changedAt = now;
    this.onMove();
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
