import type { OpenCV, Mat } from '../transforms/opencv.js';
import { StageInputs } from './stage-inputs.js';
import type { TransformChain } from '../transforms/chain.js';
import { findTransform } from '../transforms/registry.js';
import type { Frame, ParamValues, StageHost, Transform, TransformInput, TransformInstance, TransformResult } from '../transforms/types.js';

interface Stage {
  id: string;
  params: ParamValues;
  transform?: Transform;
  instance?: TransformInstance;
  /** Set when the stage failed to create: it is skipped (passthrough) until the chain is set again. */
  failed?: string;
  /** The last error apply() threw, reported once however many frames repeat it. */
  lastError?: string;
}

/**
 * A chain of transform instances in one worker. Instances are kept across param changes and
 * re-created only when a stage's transform changes (or a plugin is reloaded). A frame a stage throws
 * on passes through that stage untouched (the error is reported once while it repeats), so a broken
 * plugin never takes the session or its video down.
 */
export class TransformStages {
  private stages: Stage[] = [];
  /** Converted copies for stages that want another form than the chain's. */
  private readonly inputs: StageInputs;
  private disposed = false;
  /** Errors not yet reported to the main thread. */
  readonly errors: string[] = [];

  constructor(
    private readonly cv: OpenCV,
    /** Detect stages and what they found (see DetectHost); without it a detect filter fails to start. */
    private readonly host?: StageHost,
  ) {
    this.inputs = new StageInputs(cv);
  }

  set(chain: TransformChain): void {
    const previous = this.stages;
    this.stages = chain.map((choice, i) => {
      const transform = findTransform(choice.id);
      const old = previous[i];
      if (old && old.transform === transform && old.instance && !old.failed) {
        previous[i] = { id: old.id, params: {} }; // reused: not disposed below
        return { ...old, params: choice.params };
      }
      return this.create(choice.id, choice.params, transform);
    });
    for (const stage of previous) stage.instance?.dispose();
  }

  /**
   * True when every stage is an identity (or no stage): the session forwards the browser's packets.
   * A failed stage does not count: the session is not forwarding, so frames must keep coming.
   */
  get identity(): boolean {
    return this.stages.every((s) => s.transform?.identity === true);
  }

  /**
   * The widest picture the chain needs (see Transform.workWidth): the smallest of its stages', or
   * undefined when a stage needs the camera's own size (or every stage is an identity).
   */
  get workWidth(): number | undefined {
    const active = this.stages.filter((s) => !s.failed && !s.transform?.identity);
    if (active.length === 0 || active.some((s) => s.transform?.workWidth === undefined)) return undefined;
    return Math.min(...active.map((s) => s.transform!.workWidth!));
  }

  /**
   * What the chain should be handed: 'gray' (the Y plane) when every stage works on luma, 'yuv' (the
   * three planes) when every stage is luma-only or colour-blind geometry, else 'rgba'.
   */
  get input(): TransformInput {
    const inputs = this.stages.filter((s) => !s.failed && !s.transform?.identity).map((s) => s.transform?.input ?? 'rgba');
    if (inputs.length > 0 && inputs.every((i) => i === 'gray')) return 'gray';
    if (inputs.length > 0 && inputs.every((i) => i === 'gray' || i === 'yuv')) return 'yuv';
    if (inputs.length > 0 && inputs.every((i) => i === 'bgr')) return 'bgr';
    return 'rgba';
  }

  /**
   * Runs the chain in place on what `input` asked for: an RGBA Mat, the grey Y plane, or the Y plane
   * plus `chroma`. Stages wanting another form get a converted copy. Returns what stages reported.
   */
  apply(image: Mat, width: number, height: number, time: number, chroma?: [Mat, Mat]): Results | Promise<Results> {
    return this.applyFrom(0, {}, { image, width, height, time, chroma });
  }

  /**
   * Stages from `index` on. Synchronous while every stage answers at once (the built-ins, JS
   * plugins); from the first stage that answers with a promise (Python) the rest follow it.
   */
  private applyFrom(index: number, results: Results, frame: Frame): Results | Promise<Results> {
    for (let i = index; i < this.stages.length; i++) {
      // Disposed while a stage before this one was answering: the rest are gone too.
      if (this.disposed) break;
      const stage = this.stages[i];
      if (stage.failed || !stage.instance || stage.transform?.identity) continue;
      let outcome: TransformResult | void | Promise<TransformResult | void>;
      try {
        outcome = this.inputs.apply(stage.instance, stage.transform?.input ?? 'rgba', frame, stage.params);
      } catch (error) {
        this.report(stage, error);
        continue;
      }
      if (outcome instanceof Promise) {
        return outcome
          .then(
            (result) => this.record(stage, result, results),
            (error: unknown) => this.report(stage, error),
          )
          .then(() => this.applyFrom(i + 1, results, frame));
      }
      this.record(stage, outcome, results);
    }
    return results;
  }

  private record(stage: Stage, result: TransformResult | void, results: Results): void {
    if (result) results[stage.id] = result;
    stage.lastError = undefined;
  }

  /** The frame passes through a stage that threw; the error is reported once while it repeats. */
  private report(stage: Stage, error: unknown): void {
    const why = `"${stage.id}" threw: ${message(error)}`;
    if (why !== stage.lastError) this.errors.push(`${why}${why.includes('pass through') ? '' : '; the frame passes through it'}`);
    stage.lastError = why;
  }

  dispose(): void {
    this.disposed = true;
    for (const stage of this.stages) stage.instance?.dispose();
    this.stages = [];
    this.inputs.dispose();
  }

  private create(id: string, params: ParamValues, transform: Transform | undefined): Stage {
    const stage: Stage = { id, params, transform };
    if (!transform) this.fail(stage, `"${id}" is not loaded (plugin removed?); it is skipped`);
    else {
      try {
        stage.instance = transform.create(this.cv, this.host);
      } catch (error) {
        this.fail(stage, `"${id}" failed to start: ${message(error)}; it is skipped`);
      }
    }
    return stage;
  }

  private fail(stage: Stage, why: string): void {
    stage.failed = why;
    this.errors.push(why);
    try {
      stage.instance?.dispose();
    } catch {
      // A broken dispose() must not hide the first error.
    }
    stage.instance = undefined;
  }
}

type Results = Record<string, TransformResult>;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
