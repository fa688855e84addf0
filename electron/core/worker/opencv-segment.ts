import type { Frame } from 'node-av/lib';
import type { TransformChain } from '../transforms/chain.js';
import type { OpenCV } from '../transforms/opencv.js';
import type { StageHost, TransformResult } from '../transforms/types.js';
import { ChainPlanes } from './chain-planes.js';
import { TransformStages } from './transform-stages.js';

interface Size {
  width: number;
  height: number;
}

/**
 * Consecutive stages of a chain that run in OpenCV.js (or answer later: Python): the frame into the
 * form they ask for (ChainPlanes: RGBA only when a stage wants RGBA), the stages, and back to YUV.
 */
export class OpenCvSegment {
  private readonly stages: TransformStages;
  private planes?: ChainPlanes;
  ids: string[];

  constructor(
    private readonly cv: OpenCV,
    chain: TransformChain,
    host?: StageHost,
  ) {
    this.stages = new TransformStages(cv, host);
    this.stages.set(chain);
    this.ids = chain.map((c) => c.id);
  }

  /** The same stages with other params (instances are kept). */
  set(chain: TransformChain): void {
    this.stages.set(chain);
    this.ids = chain.map((c) => c.id);
  }

  takeErrors(): string[] {
    return this.stages.errors.splice(0);
  }

  /**
   * `frame` (YUV420P) through the stages at `work` size: the segment's own YUV frame, at once or
   * when the last stage answers. `frame` is read before anything waits, so it may change after.
   */
  run(frame: Frame, work: Size, time: number, results: Record<string, TransformResult>): Frame | Promise<Frame> {
    let planes = this.planes;
    const converter = planes?.converter;
    if (
      !planes ||
      !converter ||
      converter.width !== frame.width ||
      converter.height !== frame.height ||
      converter.workWidth !== work.width ||
      converter.workHeight !== work.height
    ) {
      planes?.dispose();
      planes = this.planes = new ChainPlanes(this.cv, frame.width, frame.height, work.width, work.height);
    }
    const input = this.stages.input;
    planes.fill(frame, input);
    const done = (found: Record<string, TransformResult>) => {
      Object.assign(results, found);
      return planes.toYuv(input);
    };
    const found = this.stages.apply(planes.imageFor(input), work.width, work.height, time, input === 'yuv' ? planes.chroma : undefined);
    return found instanceof Promise ? found.then(done) : done(found);
  }

  dispose(): void {
    this.stages.dispose();
    this.planes?.dispose();
    this.planes = undefined;
  }
}
