/**
 * Rate-limits keyframe requests (PLI) so that a burst of losses asks once, not per packet.
 * A request inside the interval is not dropped but sent when the interval ends (once, however
 * many came): a recording that starts just after a keyframe still gets its own.
 */
export class KeyframeRequester {
  private last = -Infinity;
  private timer?: NodeJS.Timeout;

  constructor(private readonly send: () => void, private readonly minIntervalMs = 300, private readonly now = () => performance.now()) {}

  request(): void {
    const wait = this.last + this.minIntervalMs - this.now();
    if (wait <= 0) this.fire();
    else this.timer ??= setTimeout(() => this.fire(), wait).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.stop();
    this.last = this.now();
    this.send();
  }
}
