import type { ResultEvent } from '../../electron/core/detect/events.js';
import { ModelLink } from '../../electron/core/models/model-link.js';
import { ModelRunner } from '../../electron/core/models/model-runner.js';
import { ModelService } from '../../electron/core/models/model-service.js';
import { findTransform } from '../../electron/core/transforms/registry.js';
import type { Mat, OpenCV } from '../../electron/core/transforms/opencv.js';
import { withDefaults, type ModelTask, type ParamValues } from '../../electron/core/transforms/types.js';
import { DetectStage } from '../../electron/core/worker/detect-stage.js';

/**
 * A built-in model filter as a codec worker runs it, in this thread: its DetectStage (scaling,
 * checking, drawing) and ModelRunner, and the real model worker behind a ModelService (the port
 * asked for is handed over at once, as WorkerPool does).
 */
export class ModelBench {
  readonly service: ModelService;
  readonly link: ModelLink;

  constructor(manifest?: string) {
    this.service = new ModelService(manifest);
    this.link = new ModelLink(() => this.link.attach(this.service.connect()));
  }

  /** The filter `id`'s stage, once its model is loaded (or has failed to: then `trouble` says why). */
  async stage(cv: OpenCV, id: string, task: ModelTask): Promise<ModelStage> {
    const runner = new ModelRunner(task, this.link);
    const deadline = Date.now() + 90_000;
    while (!runner.idle && !runner.trouble && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return new ModelStage(cv, id, runner);
  }

  async close(): Promise<void> {
    this.link.close();
    await this.service.close();
  }
}

export class ModelStage {
  readonly events: ResultEvent[] = [];
  readonly errors: string[] = [];
  readonly stage: DetectStage;
  private time = 0;

  constructor(
    private readonly cv: OpenCV,
    private readonly id: string,
    readonly runner: ModelRunner,
  ) {
    const sink = { result: (e: ResultEvent) => this.events.push(e), error: (m: string) => this.errors.push(m), boxes: () => {} };
    this.stage = new DetectStage(cv, id, runner, sink);
  }

  params(values: ParamValues = {}): ParamValues {
    return withDefaults(findTransform(this.id)!.params, values);
  }

  /** Hands `image` over and waits for the results (the stage draws nothing yet: there were none). */
  async detect(image: Mat, values: ParamValues = {}): Promise<ResultEvent> {
    const before = this.events.length;
    this.apply(image, values);
    const deadline = Date.now() + 30_000;
    while (this.events.length === before && Date.now() < deadline) {
      if (this.errors.length) throw new Error(this.errors.join('; '));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (this.events.length === before) throw new Error(`no result in 30 s (${this.errors.join('; ')})`);
    return this.events.at(-1)!;
  }

  /** One frame through the stage: the latest results drawn on it. */
  apply(image: Mat, values: ParamValues = {}): void {
    this.time += 1 / 30;
    this.stage.apply({ image, width: image.cols, height: image.rows, time: this.time }, this.params(values));
  }

  dispose(): void {
    this.stage.dispose();
  }

  /** A copy of an RGBA Mat. */
  copy(image: Mat): Mat {
    const out = new this.cv.Mat();
    image.copyTo(out);
    return out;
  }
}
