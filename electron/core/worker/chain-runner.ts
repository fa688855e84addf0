import type { Frame } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P } from 'node-av/constants';
import type { TransformChain, TransformChoice } from '../transforms/chain.js';
import type { OpenCV } from '../transforms/opencv.js';
import { findTransform, isBuiltin } from '../transforms/registry.js';
import type { StageHost, Transform, TransformResult } from '../transforms/types.js';
import { FrameScaler } from './frame-scaler.js';
import { GraphSegment } from './graph-segment.js';
import { OpenCvSegment } from './opencv-segment.js';

export interface Size {
  width: number;
  height: number;
}

export interface ChainOutput {
  /** At the size asked for; valid until the next run. */
  frame: Frame;
  results: Record<string, TransformResult>;
}

type Segment = GraphSegment | OpenCvSegment;

/**
 * Whether built-ins with a native form run it (FFmpeg graphs on the decoded planes) or their
 * OpenCV.js form: CAMLOOP_NATIVE_FILTERS=0 picks OpenCV.js, for comparisons.
 */
export const NATIVE_FILTERS = process.env.CAMLOOP_NATIVE_FILTERS !== '0';

/** True when `transform` runs as a filter graph here: a graph plugin always, a built-in with a native form unless they are off. */
export function runsNative(transform: Transform | undefined, native = NATIVE_FILTERS): boolean {
  return !!transform?.native && (native || !isBuiltin(transform.id));
}

/** The chain has a stage OpenCV.js runs (or one not loaded: it will say so), so the thread needs OpenCV.js. */
export function needsOpenCV(chain: TransformChain, native = NATIVE_FILTERS): boolean {
  return chain.some((choice) => {
    const transform = findTransform(choice.id);
    return !transform?.identity && !runsNative(transform, native);
  });
}

/**
 * A chain on decoded frames: its stages in segments, consecutive native ones as one FFmpeg graph
 * (GraphSegment) and the others in OpenCV.js (OpenCvSegment, which alone converts to RGBA, and only
 * when a stage asks for it). Frames go decoder -> segments -> the size to encode, YUV all the way.
 * Identity stages are left out.
 */
export class ChainRunner {
  private segments: Segment[] = [];
  private readonly errors: string[] = [];
  private readonly before = new FrameScaler();
  private readonly after = new FrameScaler();
  private active: { choice: TransformChoice; transform?: Transform }[] = [];

  constructor(
    private readonly cv: () => OpenCV,
    /** Detect stages and what they found, for the OpenCV.js segments (see TransformStages). */
    private readonly host?: StageHost,
    private readonly native = NATIVE_FILTERS,
  ) {}

  /** Runs this chain from the next frame; segments of the same shape keep their instances and graphs. */
  set(chain: TransformChain): void {
    this.active = chain.map((choice) => ({ choice, transform: findTransform(choice.id) })).filter((s) => !s.transform?.identity);
    const groups = this.group();
    const same =
      groups.length === this.segments.length &&
      groups.every((g, i) => g.native === this.segments[i] instanceof GraphSegment && sameIds(g.stages, this.segments[i].ids));
    if (!same) {
      this.disposeSegments();
      this.segments = groups.map((g) =>
        g.native
          ? new GraphSegment(graphStages(g.stages), (e) => this.errors.push(e))
          : new OpenCvSegment(this.cv(), chainOf(g.stages), this.host),
      );
      return;
    }
    groups.forEach((g, i) => {
      const segment = this.segments[i];
      if (segment instanceof GraphSegment) segment.setParams(graphStages(g.stages));
      else segment.set(chainOf(g.stages));
    });
  }

  /** Every stage made again (edited plugin code takes effect). */
  rebuild(): void {
    const chain = this.active.map((s) => s.choice);
    this.disposeSegments();
    this.set(chain);
  }

  /** See Transform.workWidth: the smallest of the stages', or undefined when one needs the camera's size. */
  get workWidth(): number | undefined {
    if (this.active.length === 0 || this.active.some((s) => s.transform?.workWidth === undefined)) return undefined;
    return Math.min(...this.active.map((s) => s.transform!.workWidth!));
  }

  takeErrors(): string[] {
    for (const segment of this.segments) if (segment instanceof OpenCvSegment) this.errors.push(...segment.takeErrors());
    return this.errors.splice(0);
  }

  /**
   * `decoded` through the chain at `work` size, then at `sent` size for the encoder. Synchronous
   * unless a stage answers later (Python); `decoded` is read before anything waits.
   */
  run(decoded: Frame, time: number, work: Size, sent: Size): ChainOutput | Promise<ChainOutput> {
    const first = this.segments[0];
    // Graphs take YUV420P at the work size: one libswscale pass when the frame is not that (scaled, or full range).
    // OpenCV.js stages are scaled in their colour conversion, so only full range is turned to video range first.
    const frame =
      first instanceof OpenCvSegment
        ? decoded.format === AV_PIX_FMT_YUV420P
          ? decoded
          : this.before.scale(decoded, decoded.width, decoded.height)
        : this.before.scale(decoded, work.width, work.height);
    return this.from(0, frame, decoded.pts, time, work, sent, {});
  }

  private from(index: number, frame: Frame, pts: bigint, time: number, work: Size, sent: Size, results: ChainOutput['results']) {
    let current = frame;
    for (let i = index; i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment instanceof GraphSegment) {
        // A segment's own frame has no pts of its own; graphs read the stream time from it.
        current.pts = pts;
        current = segment.run(current, results);
        continue;
      }
      const size = i === 0 ? work : { width: current.width, height: current.height };
      const out = segment.run(current, size, time, results);
      if (out instanceof Promise)
        return out.then((next): Promise<ChainOutput> | ChainOutput => this.from(i + 1, next, pts, time, work, sent, results));
      current = out;
    }
    return { frame: this.after.scale(current, sent.width, sent.height), results };
  }

  dispose(): void {
    this.disposeSegments();
    this.before.dispose();
    this.after.dispose();
  }

  private disposeSegments(): void {
    for (const segment of this.segments) segment.dispose();
    this.segments = [];
  }

  /** Consecutive stages that run the same way, together. */
  private group(): { native: boolean; stages: { choice: TransformChoice; transform?: Transform }[] }[] {
    const groups: { native: boolean; stages: { choice: TransformChoice; transform?: Transform }[] }[] = [];
    for (const stage of this.active) {
      const native = runsNative(stage.transform, this.native);
      const last = groups.at(-1);
      if (last && last.native === native) last.stages.push(stage);
      else groups.push({ native, stages: [stage] });
    }
    return groups;
  }
}

function chainOf(stages: { choice: TransformChoice }[]): TransformChain {
  return stages.map((s) => s.choice);
}

function graphStages(stages: { choice: TransformChoice; transform?: Transform }[]) {
  return stages.map((s) => ({ id: s.choice.id, params: s.choice.params, transform: s.transform! }));
}

function sameIds(stages: { choice: TransformChoice }[], ids: string[]): boolean {
  return stages.length === ids.length && stages.every((s, i) => s.choice.id === ids[i]);
}
