import type { ResultEvent } from '../detect/events.js';
import { JsThreadRunner } from '../detect/js-runner.js';
import { PythonRunner } from '../detect/python-runner.js';
import type { DetectRunner } from '../detect/runner.js';
import type { Mat, OpenCV } from '../transforms/opencv.js';
import { BackgroundImage } from './background-image.js';
import type { DetectorSpec, Rect, StageHost, TransformInstance } from '../transforms/types.js';
import { DetectStage } from './detect-stage.js';

/** Where a codec worker's detect results and errors go (FrameLoop posts them to the main thread). */
export interface DetectOutlet {
  result(event: ResultEvent): void;
  error(message: string): void;
  log(line: string): void;
}

/**
 * The codec worker's services to the stages of its chain (StageHost): detect stages with their
 * runner (a Python process or a thread of their own, chosen by the filter's DetectorSpec; a model
 * worker shared by cameras plugs in here as a third kind), and the boxes the last of them drew, for
 * the stages after it (pixelate-boxes).
 */
export class DetectHost implements StageHost {
  private found?: { boxes: Rect[]; width: number; height: number };
  /** The picture behind a mask's 'image' effect, from the plugins folder. */
  private background: BackgroundImage;

  constructor(
    private readonly cv: OpenCV,
    private readonly outlet: DetectOutlet,
    /** The one place a filter's DetectorSpec becomes a runner (tests give their own). */
    private readonly makeRunner: (id: string, detector: DetectorSpec, outlet: DetectOutlet) => DetectRunner = runnerFor,
  ) {
    this.background = new BackgroundImage(cv, undefined);
  }

  /** The plugins folder (its background picture), at the start and after each change in it. */
  setPluginsDir(dir: string | undefined): void {
    this.background.dispose();
    this.background = new BackgroundImage(this.cv, dir);
  }

  detectStage(id: string, detector: DetectorSpec): TransformInstance {
    const stage = new DetectStage(this.cv, id, this.makeRunner(id, detector, this.outlet), {
      result: (event) => this.outlet.result(event),
      error: (message) => this.outlet.error(message),
      boxes: (found) => (this.found = found),
      background: (width, height) => this.backgroundAt(width, height),
    });
    return stage;
  }

  private backgroundAt(width: number, height: number): { image?: Mat; trouble?: string } {
    const image = this.background.at(width, height);
    return { image, trouble: this.background.trouble };
  }

  boxes(width: number, height: number): Rect[] {
    const found = this.found;
    if (!found) return [];
    const sx = width / found.width;
    const sy = height / found.height;
    return found.boxes.map((b) => ({ x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy }));
  }
}

function runnerFor(id: string, detector: DetectorSpec, outlet: DetectOutlet): DetectRunner {
  switch (detector.runtime) {
    case 'python':
      return new PythonRunner(detector.python, detector.file, { onOutput: (line) => outlet.log(`python "${id}": ${line}`) });
    case 'js':
      return new JsThreadRunner({ module: detector.module, exportName: detector.exportName });
  }
}
