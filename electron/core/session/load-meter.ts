import { availableParallelism, cpus } from 'node:os';

/** What the machine and CamLoop did over the last few seconds. */
export interface LoadReading {
  cores: number;
  /** CPU this process used, ms per second (all its threads). */
  ownMs: number;
  /** CPU the machine left idle, ms per second (all cores). */
  idleMs: number;
  /** Frames sent back to the cameras per second, all together. */
  returnedFps: number;
}

/** What each camera would get if there were `cameras`, from a reading. */
export interface Share {
  fps: number;
  /** CPU per returned frame (ms), measured or, before there is enough to measure, the prior. */
  msPerFrame: number;
  /** Frames per second the CPU CamLoop can have would return, all cameras together. */
  capacityFps: number;
}

/** Before anything is measured: a 640x480 camera with edges costs ~10 ms of CPU per returned frame here (decode, filter, encode, RTP). */
const PRIOR_MS_PER_FRAME = 10;
/** What a camera sends at most, and the share of the machine kept for everything else. */
export const CAMERA_FPS = 30;
const USABLE = 0.9;
/** At least this share of the machine is counted as CamLoop's, however busy other programs keep it for a moment. */
const FLOOR = 0.25;

/**
 * The frame rate each of `cameras` would get. The CPU CamLoop can have is what it uses plus what
 * the machine leaves idle (at most 90 % of every core); it returns frames at the cost per frame it
 * measured, shared evenly (the codec workers take turns frame by frame), and no camera gets more
 * than it sends.
 */
export function shareOf(reading: LoadReading | undefined, cameras: number): Share {
  const cores = reading?.cores ?? availableParallelism();
  const measured = reading && reading.returnedFps >= 10 ? reading.ownMs / reading.returnedFps : undefined;
  const msPerFrame = measured ?? PRIOR_MS_PER_FRAME;
  const whole = cores * 1000;
  const available = Math.min(whole * USABLE, Math.max(whole * FLOOR, (reading?.ownMs ?? 0) + (reading?.idleMs ?? whole)));
  const capacityFps = available / msPerFrame;
  return { fps: Math.min(CAMERA_FPS, capacityFps / Math.max(1, cameras)), msPerFrame, capacityFps };
}

interface Sample {
  at: number;
  ownUs: number;
  idleMs: number;
  /** Frames returned so far, by camera (cameras come and go: only those in both samples count). */
  frames: Map<string, number>;
}

/**
 * Samples this process's CPU, the machine's idle time and the frames returned to each camera (the
 * caller's counters), once a second while started; `reading` averages the last few seconds.
 */
export class LoadMeter {
  private samples: Sample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly framesReturned: () => Map<string, number>,
    private readonly windowSamples = 5,
  ) {}

  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Averages over the samples kept (undefined until there are two). */
  get reading(): LoadReading | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at) return undefined;
    const seconds = (last.at - first.at) / 1000;
    let frames = 0;
    for (const [id, count] of last.frames) frames += count - (first.frames.get(id) ?? count);
    return {
      cores: availableParallelism(),
      ownMs: (last.ownUs - first.ownUs) / 1000 / seconds,
      idleMs: (last.idleMs - first.idleMs) / seconds,
      returnedFps: frames / seconds,
    };
  }

  private sample(): void {
    const usage = process.cpuUsage();
    this.samples.push({
      at: performance.now(),
      ownUs: usage.user + usage.system,
      idleMs: cpus().reduce((sum, cpu) => sum + cpu.times.idle, 0),
      frames: this.framesReturned(),
    });
    if (this.samples.length > this.windowSamples + 1) this.samples.shift();
  }
}
