/**
 * Asks the browser for keyframes (PLI) until one arrives (`received()`). Rate-limited, so a burst
 * of losses asks once; a request inside the interval is deferred, not dropped, so a recording that
 * starts just after a keyframe still gets its own. Repeated because a PLI can be lost and Chrome
 * ignores any within 300 ms of the last (see docs/decisions.md, Keyframe requests).
 */
export class CameraKeyframes {
  private last = -Infinity;
  private timer?: NodeJS.Timeout;
  private waiting = false;
  private readonly minIntervalMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly send: () => void,
    { minIntervalMs = 400, retryMs = 600 }: { minIntervalMs?: number; retryMs?: number } = {},
    private readonly now = () => performance.now(),
  ) {
    this.minIntervalMs = minIntervalMs;
    this.retryMs = Math.max(retryMs, minIntervalMs);
  }

  request(): void {
    this.waiting = true;
    const wait = this.last + this.minIntervalMs - this.now();
    if (wait <= 0) return this.fire();
    // Due at the end of the interval (sooner than a repeat that may be pending).
    this.clearTimer();
    this.timer = setTimeout(() => this.fire(), wait).unref();
  }

  /** A keyframe came from the browser: it answers every request made so far. */
  received(): void {
    this.waiting = false;
    this.clearTimer();
  }

  stop(): void {
    this.waiting = false;
    this.clearTimer();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.clearTimer();
    this.last = this.now();
    this.send();
    // Still waiting after this long: the request (or its answer) was lost or ignored, ask again.
    this.timer = setTimeout(() => this.waiting && this.fire(), this.retryMs).unref();
  }
}
