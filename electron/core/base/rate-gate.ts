/**
 * Runs `run` at most once per `intervalMs`. A call inside the interval is deferred to its end, not
 * lost; calls while one is deferred are merged into it (`onMerged` counts them).
 */
export class RateGate {
  private last = -Infinity;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly run: () => void,
    private readonly intervalMs: number,
    private readonly onMerged: () => void = () => {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  call(): void {
    if (this.timer) return this.onMerged();
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) return this.fire();
    this.timer = setTimeout(() => this.fire(), wait).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.last = this.now();
    this.run();
  }
}
