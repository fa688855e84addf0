import type { OpenCV, Mat } from '../transforms/opencv.js';
import type { TransformChain } from '../transforms/chain.js';
import { findTransform } from '../transforms/registry.js';
import type { ParamValues, Transform, TransformInstance, TransformResult } from '../transforms/types.js';

interface Stage {
  id: string;
  params: ParamValues;
  transform?: Transform;
  instance?: TransformInstance;
  /** Set when the stage failed to create or threw: it is skipped (passthrough) until the chain is set again. */
  failed?: string;
}

/**
 * A chain of transform instances in one worker. Instances are kept across param changes and
 * re-created only when a stage's transform changes (or a plugin is reloaded). A stage that throws is
 * reported once and skipped, so a broken plugin never takes the session down.
 */
export class TransformStages {
  private stages: Stage[] = [];
  private scratchGray?: Mat;
  /** Errors not yet reported to the main thread. */
  readonly errors: string[] = [];

  constructor(private readonly cv: OpenCV) {}

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

  /** True when every stage leaves the picture alone (no stage, or only identities). */
  get identity(): boolean {
    return this.stages.every((s) => s.transform?.identity === true || s.failed !== undefined);
  }

  /** True when the whole chain can work on the luma plane alone. */
  get grayOnly(): boolean {
    const active = this.stages.filter((s) => !s.failed && !s.transform?.identity);
    return active.length > 0 && active.every((s) => s.transform?.input === 'gray');
  }

  /** Runs the chain on `image` (RGBA, or grey when grayOnly) in place; returns what stages reported. */
  apply(image: Mat, width: number, height: number, time: number): Record<string, TransformResult> {
    const results: Record<string, TransformResult> = {};
    const isGray = image.channels() === 1;
    for (const stage of this.stages) {
      if (stage.failed || !stage.instance || stage.transform?.identity) continue;
      try {
        const wantsGray = stage.transform?.input === 'gray';
        if (wantsGray && !isGray) {
          this.scratchGray ??= new this.cv.Mat();
          this.cv.cvtColor(image, this.scratchGray, this.cv.COLOR_RGBA2GRAY);
          const result = stage.instance.apply({ image: this.scratchGray, width, height, time }, stage.params);
          this.cv.cvtColor(this.scratchGray, image, this.cv.COLOR_GRAY2RGBA);
          if (result) results[stage.id] = result;
        } else {
          const result = stage.instance.apply({ image, width, height, time }, stage.params);
          if (result) results[stage.id] = result;
        }
      } catch (error) {
        this.fail(stage, `"${stage.id}" threw: ${message(error)}; it is skipped until it is chosen again or its file changes`);
      }
    }
    return results;
  }

  dispose(): void {
    for (const stage of this.stages) stage.instance?.dispose();
    this.stages = [];
    this.scratchGray?.delete();
  }

  private create(id: string, params: ParamValues, transform: Transform | undefined): Stage {
    const stage: Stage = { id, params, transform };
    if (!transform) this.fail(stage, `"${id}" is not loaded (plugin removed?); it is skipped`);
    else {
      try {
        stage.instance = transform.create(this.cv);
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

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
