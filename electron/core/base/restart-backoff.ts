/** Restart delays after a crash, a hang or a failed start: 0.5 s doubling to 10 s, back to 0.5 s after 10 s of health. */
const FIRST_MS = 500;
const MAX_MS = 10_000;
const HEALTHY_MS = 10_000;

/** When to start again something that keeps failing (a user's Python process, a detect thread). */
export class RestartBackoff {
  private delay = FIRST_MS;
  private readyAt?: number;

  constructor(private readonly now: () => number = Date.now) {}

  /** It started and works. */
  ready(): void {
    this.readyAt = this.now();
  }

  /** It ended: how long to wait before starting it again. */
  failed(): number {
    if (this.readyAt !== undefined && this.now() - this.readyAt > HEALTHY_MS) this.delay = FIRST_MS;
    this.readyAt = undefined;
    const delay = this.delay;
    this.delay = Math.min(MAX_MS, this.delay * 2);
    return delay;
  }
}
