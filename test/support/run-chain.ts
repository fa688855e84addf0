import type { TransformChain } from '../../electron/core/transforms/chain.js';
import type { OpenCV } from '../../electron/core/transforms/opencv.js';
import type { TransformResult } from '../../electron/core/transforms/types.js';
import { ChainRunner } from '../../electron/core/worker/chain-runner.js';
import { i420Bytes, yuvFrame } from './yuv-frames.js';

/**
 * A chain through the pipeline's own ChainRunner (native graphs where a stage has one, OpenCV.js
 * for the rest) on packed I420 pictures, at their own size. Reuse it across frames; dispose it at the end.
 */
export function chainOnI420(chain: TransformChain, width: number, height: number, cv?: OpenCV, native = true) {
  const runner = new ChainRunner(
    () => {
      if (!cv) throw new Error('this chain needs OpenCV.js');
      return cv;
    },
    undefined,
    native,
  );
  runner.set(chain);
  const size = { width, height };
  return {
    /** One picture at stream time `time`; its output and what the stages reported. */
    run(picture: Uint8Array, time = 0): { picture: Uint8Array; results: Record<string, TransformResult> } {
      const frame = yuvFrame(picture, width, height, BigInt(Math.round(time * 90000)));
      try {
        const out = runner.run(frame, time, size, size);
        if (out instanceof Promise) throw new Error('the chain answered asynchronously');
        return { picture: i420Bytes(out.frame), results: out.results };
      } finally {
        frame.free();
      }
    },
    takeErrors: () => runner.takeErrors(),
    dispose: () => runner.dispose(),
  };
}
