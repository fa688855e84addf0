import type { ParamValues } from '../transforms/types.js';
import type { RawDetection } from './schema.js';

/** The picture a runner gets: a copy it owns, rows packed, in the form it asked for. */
export interface DetectFrame {
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Seconds of the camera's stream time (the frame's own, not the wall clock). */
  time: number;
}

/**
 * Where a detect() runs, beside the codec worker (docs/detect.md): a Python process (PythonRunner),
 * a thread of its own (JsThreadRunner), or the model worker cameras share (ModelRunner). The codec
 * worker's DetectStage is its only caller: it hands a runner the newest frame only while `idle`,
 * and checks what comes back against the schema itself, so a runner only carries things.
 */
export interface DetectRunner {
  /** The pixel form run() takes: 'bgr' (BGR24, cv2's), 'rgb' (RGB24) or 'rgba'. */
  readonly format: 'bgr' | 'rgb' | 'rgba';
  /**
   * The size it wants the picture at (a model's input): the stage scales the frame to it before it
   * hands it over, and the results are in its pixels. Unset: the frame's own size.
   */
  inputSize?(width: number, height: number): { width: number; height: number };
  /** Ready and no call in flight. False while it starts, restarts or works. */
  readonly idle: boolean;
  /**
   * One call. Rejects with a message for a user (the exception and its traceback, a hang, a crash,
   * results too large); a runner that died restarts by itself, with backoff, and is not idle meanwhile.
   */
  run(frame: DetectFrame, params: ParamValues): Promise<RawDetection>;
  /** Why it cannot run now (it is restarting after this), if that is the case. */
  readonly trouble?: string;
  /**
   * CPU seconds it has used so far (undefined: unknown). A model that uses little (it waits on a
   * GPU, a server, a sleep) is not throttled for the video's sake: slowing it would not help.
   */
  cpuSeconds?(): number | undefined;
  dispose(): void;
}

/** A detect call that takes longer than this is a hang: the runner is killed and restarted. */
export const DETECT_HANG_MS = 5000;
