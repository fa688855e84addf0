import type { ResultEvent } from '../detect/events.js';
import { ModelRate } from '../detect/model-rate.js';
import type { DetectRunner } from '../detect/runner.js';
import { checkDetection, SchemaError, type Detection, type Mask } from '../detect/schema.js';
import { COLOURS, type MaskEffect } from '../transforms/detect-filter.js';
import type { Mat, OpenCV } from '../transforms/opencv.js';
import type { Frame, ParamValues, Rect, TransformInstance } from '../transforms/types.js';
import { drawDetection } from './annotations.js';
import { MaskEffects } from './mask-effects.js';
import { PictureScaler } from './picture-scaler.js';

/** Results older than their filter's maxAge fade out over this long (s), rather than vanish or stick. */
const FADE_S = 0.5;
/** Drawn ages kept for the model's stats (about 5 s of frames). */
const AGES_KEPT = 150;

/** What a detect stage tells the codec worker (worker/detect-host.ts). */
export interface DetectSink {
  result(event: ResultEvent): void;
  /** An error for the session's errors (said once while it repeats). */
  error(message: string): void;
  /** The boxes drawn on this frame, in pixels of a `width` x `height` picture (undefined: none). */
  boxes(found: { boxes: Rect[]; width: number; height: number } | undefined): void;
  /** The picture behind a mask's 'image' effect, at this size (or why there is none). */
  background?(width: number, height: number): { image?: Mat; trouble?: string };
}

interface Latest {
  detection: Detection;
  frameTime: number;
  width: number;
  height: number;
}

/**
 * A detect filter's place in the chain, in the codec worker. On each frame: when its runner is idle
 * (and ModelRate allows: the max-rate param, video first), the frame is copied and handed to it,
 * which costs the frame a copy and nothing more; then the latest checked results are drawn on the
 * frame, at the frame's size, fading once older than maxAge (camera time). The runner's answer
 * comes later, is checked against the schema, and replaces what is drawn; a bad one is an error
 * and nothing of it is drawn.
 */
export class DetectStage implements TransformInstance {
  private latest?: Latest;
  private inFlight = false;
  private disposed = false;
  private lastError?: string;
  private callMs = 0;
  private readonly ages: number[] = [];
  private readonly rate: ModelRate;
  private readonly masks: MaskEffects;
  private bgr?: Mat;
  private scaler?: PictureScaler;
  private backgroundTrouble?: string;

  constructor(
    private readonly cv: OpenCV,
    private readonly id: string,
    private readonly runner: DetectRunner,
    private readonly sink: DetectSink,
    now?: () => number,
  ) {
    this.rate = new ModelRate(now, () => runner.cpuSeconds?.());
    this.masks = new MaskEffects(cv);
  }

  apply(frame: Frame, params: ParamValues): void {
    this.rate.frame(frame.time);
    if (!this.inFlight && this.runner.idle && this.rate.mayStart(Number(params.maxRate))) this.hand(frame, params);
    else if (this.runner.trouble) this.report(this.runner.trouble);
    const latest = this.latest;
    const age = latest ? frame.time - latest.frameTime : -1;
    const alpha = age < 0 ? 0 : Math.min(1, Math.max(0, 1 - (age - Number(params.maxAge)) / FADE_S));
    if (!latest || alpha === 0) return this.sink.boxes(undefined);
    this.ages.push(age * 1000);
    this.ages.splice(0, Math.max(0, this.ages.length - AGES_KEPT));
    const { detection } = latest;
    this.sink.boxes({ boxes: detection.boxes, width: latest.width, height: latest.height });
    const colour = COLOURS[String(params.colour)] ?? COLOURS.green;
    if (detection.mask) this.applyMask(frame.image, detection.mask, String(params.mask) as MaskEffect, colour, alpha);
    if (params.draw !== false) this.draw(frame.image, latest, colour, alpha);
  }

  dispose(): void {
    this.disposed = true;
    this.runner.dispose();
    this.masks.dispose();
    this.bgr?.delete();
    this.scaler?.dispose();
    this.sink.boxes(undefined);
  }

  /** A copy of the frame, in the runner's form, to the runner; its answer replaces what is drawn. */
  private hand(frame: Frame, params: ParamValues): void {
    const { time } = frame;
    const { pixels, width, height } = this.copy(frame.image);
    const startedAt = Date.now();
    const start = performance.now();
    this.inFlight = true;
    this.rate.started();
    this.runner
      .run({ pixels, width, height, time }, params)
      .then((raw) => {
        if (this.disposed) return;
        const { detection, results } = checkDetection(raw, width, height);
        this.callMs = performance.now() - start;
        this.latest = { detection, frameTime: time, width, height };
        this.rate.finished();
        this.lastError = undefined;
        const model = { ...this.stats(), callMs: this.callMs };
        this.sink.result({ id: this.id, kind: 'detect', frameTime: time, startedAt, readyAt: Date.now(), width, height, results, model });
      })
      .catch((error: unknown) => {
        if (this.disposed) return;
        const message = error instanceof Error ? error.message : String(error);
        this.report(error instanceof SchemaError ? `returned results CamLoop cannot draw: ${message}; nothing of them is drawn` : message);
      })
      .finally(() => (this.inFlight = false));
  }

  /** The picture in the runner's form, at its size when it asks for one (a model's input: scaled by libswscale). */
  private copy(image: Mat): { pixels: Uint8Array; width: number; height: number } {
    const { cols: width, rows: height } = image;
    const { format } = this.runner;
    const wanted = this.runner.inputSize?.(width, height);
    if (wanted || format === 'rgb') {
      const size = wanted ?? { width, height };
      return { pixels: (this.scaler ??= new PictureScaler()).scale(image, size.width, size.height, format), ...size };
    }
    if (format === 'rgba') return { pixels: new Uint8Array(image.data), width, height };
    const bgr = (this.bgr ??= new this.cv.Mat());
    this.cv.cvtColor(image, bgr, this.cv.COLOR_RGBA2BGR);
    return { pixels: new Uint8Array(bgr.data), width, height };
  }

  private applyMask(image: Mat, mask: Mask, effect: MaskEffect, colour: [number, number, number], alpha: number): void {
    const background = effect === 'image' ? this.sink.background?.(image.cols, image.rows) : undefined;
    if (background?.trouble && background.trouble !== this.backgroundTrouble) this.sink.error(`"${this.id}": ${background.trouble}`);
    this.backgroundTrouble = background?.trouble;
    this.masks.apply(image, mask, effect, colour, alpha, background?.image);
  }

  private draw(image: Mat, latest: Latest, colour: [number, number, number], alpha: number): void {
    const style = { colour, scaleX: image.cols / latest.width, scaleY: image.rows / latest.height };
    if (alpha >= 1) return drawDetection(this.cv, image, latest.detection, style);
    // Fading: drawn on a copy, mixed back in.
    const copy = new this.cv.Mat();
    image.copyTo(copy);
    drawDetection(this.cv, copy, latest.detection, style);
    this.cv.addWeighted(copy, alpha, image, 1 - alpha, 0, image);
    copy.delete();
  }

  private stats() {
    const sorted = [...this.ages].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : undefined);
    const cap = this.rate.videoCap;
    return {
      rate: this.rate.rate,
      drawnAgeP50: at(0.5),
      drawnAgeP95: at(0.95),
      throttled: this.rate.throttled,
      videoCap: Number.isFinite(cap) ? cap : undefined,
    };
  }

  private report(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.sink.error(`"${this.id}": ${message}`);
  }
}
