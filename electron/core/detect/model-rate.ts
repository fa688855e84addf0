/** How long a window of frames is judged over. */
const WINDOW_MS = 2000;
const MIN_FRAMES = 8;
/** Over this share of the camera's frames not processed, the video suffers: the model's rate is halved... */
const DROPPING = 0.15;
/** ...and under this share, it may grow again, by a quarter a window (a sawtooth, never a runaway). */
const SMOOTH = 0.05;
/** A capped model still runs this often: results slow down, they never stop. */
const MIN_RATE = 1;
/** Above this the cap is lifted: no camera sends faster. */
const LIFT_RATE = 30;
/** The camera's own frame interval is the smallest gap seen over this many windows. */
const INTERVAL_WINDOWS = 5;
/** A model using less of a core than this is not what slows the video: it is left alone. */
const MODEL_CPU_SHARE = 0.25;

/** Why a model was held back in the last window: its max-rate param, or the video (frames were being dropped). */
export type Throttle = 'max-rate' | 'video';

/**
 * When a detect stage may hand its runner the next frame: never faster than the user's max rate,
 * and, video first, slower while the codec worker drops the camera's frames (a model that eats the
 * CPU the call needs: 2 cores shared by the codec, the network and Python). Drops are seen in the
 * frames' own times: a gap of two camera intervals is a frame that was never processed. The cap
 * halves while frames are dropped and grows back slowly once they are not. Pure (a clock in).
 */
export class ModelRate {
  private cap = Infinity;
  private lastStart = -Infinity;
  private window?: { start: number; frames: number; first: number; last: number; minGap: number; held?: Throttle; cpu?: number };
  private readonly gaps: number[] = [];
  private lastTime?: number;
  private readonly finishedAt: number[] = [];
  /** Why starts were held back in the last window judged (undefined: they were not). */
  throttled?: Throttle;

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** The model's CPU seconds so far (undefined: unknown, and then it may always be the cause). */
    private readonly cpuSeconds: () => number | undefined = () => undefined,
  ) {}

  /** The most runs a second the video allows now (Infinity: no cap). */
  get videoCap(): number {
    return this.cap;
  }

  /** Results a second over the last two windows. */
  get rate(): number {
    const since = this.now() - 2 * WINDOW_MS;
    while (this.finishedAt.length && this.finishedAt[0] < since) this.finishedAt.shift();
    return this.finishedAt.length / ((2 * WINDOW_MS) / 1000);
  }

  /** A frame went through the stage; `time`: its camera time (s). */
  frame(time: number): void {
    const now = this.now();
    const gap = this.lastTime === undefined ? undefined : time - this.lastTime;
    this.lastTime = time;
    if (gap !== undefined && gap <= 0) return void (this.window = undefined); // a new stream, or a reordering
    const window = (this.window ??= { start: now, frames: 0, first: time, last: time, minGap: Infinity, cpu: this.cpuSeconds() });
    window.frames++;
    window.last = time;
    if (gap !== undefined && gap > 0.004) window.minGap = Math.min(window.minGap, gap);
    if (now - window.start >= WINDOW_MS) this.judge(window);
  }

  /** May the runner, idle now, be handed a frame? `maxRate`: the user's param (runs/s). */
  mayStart(maxRate: number): boolean {
    const limit = Math.min(maxRate, this.cap);
    if (this.now() - this.lastStart >= 1000 / limit) return true;
    if (this.window) this.window.held = this.cap < maxRate ? 'video' : 'max-rate';
    return false;
  }

  started(): void {
    this.lastStart = this.now();
  }

  finished(): void {
    this.finishedAt.push(this.now());
  }

  private judge(window: NonNullable<ModelRate['window']>): void {
    this.window = undefined;
    this.throttled = window.held;
    if (Number.isFinite(window.minGap)) this.gaps.push(window.minGap);
    this.gaps.splice(0, Math.max(0, this.gaps.length - INTERVAL_WINDOWS));
    const interval = Math.min(...this.gaps);
    if (window.frames < MIN_FRAMES || !Number.isFinite(interval)) return;
    const expected = (window.last - window.first) / interval + 1;
    const dropped = 1 - window.frames / expected;
    const rate = this.rate;
    const cpu = this.cpuSeconds();
    const share = cpu === undefined || window.cpu === undefined ? 1 : (cpu - window.cpu) / ((this.now() - window.start) / 1000);
    if (dropped > DROPPING && rate > 0 && share >= MODEL_CPU_SHARE) this.cap = Math.max(MIN_RATE, Math.min(this.cap, rate) / 2);
    else if (dropped < SMOOTH && this.cap < Infinity) {
      this.cap = Math.max(this.cap + 0.5, this.cap * 1.25);
      if (this.cap > LIFT_RATE) this.cap = Infinity;
    }
  }
}
