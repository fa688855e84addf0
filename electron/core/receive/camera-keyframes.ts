/**
 * Asks the browser for keyframes (PLI) until one arrives. Requests are rate-limited, so a burst of
 * losses asks once, not per packet; a request inside the interval is not dropped but sent when the
 * interval ends (once, however many came): a recording that starts just after a keyframe still
 * gets its own. Until a keyframe arrives (`received()`) the request is repeated: a PLI can be
 * lost, and Chrome acts on at most one every 300 ms (its EncoderRtcpFeedback drops the rest), a
 * limit our timers cannot always keep on its clock. Without the repeat, a filter switch from
 * forwarding once waited for a keyframe that never came.
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
