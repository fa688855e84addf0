import type { MessagePort } from 'node:worker_threads';
import type { ResultEvent } from '../detect/events.js';
import { JsThreadRunner } from '../detect/js-runner.js';
import { PythonRunner } from '../detect/python-runner.js';
import type { DetectRunner } from '../detect/runner.js';
import { ModelLink } from '../models/model-link.js';
import { ModelRunner } from '../models/model-runner.js';
import type { Mat, OpenCV } from '../transforms/opencv.js';
import { BackgroundImage } from './background-image.js';
import type { DetectorSpec, Rect, StageHost, TransformInstance } from '../transforms/types.js';
import { DetectStage } from './detect-stage.js';

/** Where a codec worker's detect results and errors go (FrameLoop posts them to the main thread). */
export interface DetectOutlet {
  result(event: ResultEvent): void;
  error(message: string): void;
  log(line: string): void;
  /** Ask the main thread for a port to the model worker (it comes back to attachModels). */
  needModels(): void;
}

/**
 * The codec worker's services to the stages of its chain (StageHost): detect stages with their
 * runner (a Python process, a thread of their own, or the model worker that cameras share, chosen
 * by the filter's DetectorSpec), and the boxes the last of them drew, for the stages after it
 * (pixelate-boxes).
 */
export class DetectHost implements StageHost {
  private found?: { boxes: Rect[]; width: number; height: number };
  /** The picture behind a mask's 'image' effect, from the plugins folder (read when a mask first needs it). */
  private background?: BackgroundImage;
  private pluginsDir?: string;
  /** This codec worker's line to the model worker, made when a model filter first needs it. */
  private models?: ModelLink;

  constructor(
    /** OpenCV.js, loaded before a chain with a detect stage is set (see needsOpenCV). */
    private readonly cv: () => OpenCV,
    private readonly outlet: DetectOutlet,
    /** The one place a filter's DetectorSpec becomes a runner (tests give their own). */
    private readonly makeRunner: (id: string, detector: DetectorSpec, host: RunnerHost) => DetectRunner = runnerFor,
  ) {}

  /** The port to the model worker that the main thread sent, asked for by needModels(). */
  attachModels(port: MessagePort): void {
    this.modelLink().attach(port);
  }

  close(): void {
    this.models?.close();
  }

  private modelLink(): ModelLink {
    return (this.models ??= new ModelLink(() => this.outlet.needModels()));
  }

  /** The plugins folder (its background picture), at the start and after each change in it. */
  setPluginsDir(dir: string | undefined): void {
    this.background?.dispose();
    this.background = undefined;
    this.pluginsDir = dir;
  }

  detectStage(id: string, detector: DetectorSpec): TransformInstance {
    const stage = new DetectStage(this.cv(), id, this.makeRunner(id, detector, { outlet: this.outlet, models: () => this.modelLink() }), {
      result: (event) => this.outlet.result(event),
      error: (message) => this.outlet.error(message),
      boxes: (found) => (this.found = found),
      background: (width, height) => this.backgroundAt(width, height),
    });
    return stage;
  }

  private backgroundAt(width: number, height: number): { image?: Mat; trouble?: string } {
    const background = (this.background ??= new BackgroundImage(this.cv(), this.pluginsDir));
    const image = background.at(width, height);
    return { image, trouble: background.trouble };
  }

  boxes(width: number, height: number): Rect[] {
    const found = this.found;
    if (!found) return [];
    const sx = width / found.width;
    const sy = height / found.height;
    return found.boxes.map((b) => ({ x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy }));
  }
}

/** What a runner may need from the codec worker: where its output goes, the line to the model worker. */
export interface RunnerHost {
  outlet: DetectOutlet;
  models(): ModelLink;
}

function runnerFor(id: string, detector: DetectorSpec, host: RunnerHost): DetectRunner {
  switch (detector.runtime) {
    case 'python':
      return new PythonRunner(detector.python, detector.file, { onOutput: (line) => host.outlet.log(`python "${id}": ${line}`) });
    case 'js':
      return new JsThreadRunner({ module: detector.module, exportName: detector.exportName });
    case 'model':
      return new ModelRunner(detector.task, host.models());
  }
}
