import { detectTransform } from '../transforms/detect-filter.js';
import type { ParamSpec, Transform, TransformInstance, TransformKind, TransformResult } from '../transforms/types.js';
import { Kind } from './protocol.js';
import { PythonSupervisor } from './python-supervisor.js';

/** A .py plugin as the main thread described it (see describe.ts); enough for a worker to run it. */
export interface PythonPluginInfo {
  id: string;
  label: string;
  params: ParamSpec[];
  /** The plugin's file, absolute. */
  file: string;
  /** The interpreter (--python). */
  python: string;
  /** 'detect' when the file defines detect() instead of apply(). */
  kind?: TransformKind;
}

export interface PythonFilterOptions {
  /** Python's stdout and stderr, a line at a time. */
  onOutput(id: string, line: string): void;
  /** A frame Python has not answered within this is taken as a hang: the process is killed. */
  hangMs?: number;
  /** import + setup() may take this long (models load there). */
  startMs?: number;
  now?: () => number;
}

const HANG_MS = 3000;

/**
 * A Python filter is a transform like any other; its frames are BGR (cv2's convention). A file
 * that defines detect() is a detect filter: its process runs beside the frame's path (see
 * detect/python-runner.ts), and the codec worker draws its results.
 */
export function pythonTransform(info: PythonPluginInfo, options: PythonFilterOptions): Transform {
  const { id, label, params } = info;
  if (info.kind === 'detect')
    return detectTransform({ id, label, params, detector: { runtime: 'python', file: info.file, python: info.python } });
  return { id, label, params, input: 'bgr', create: () => new PythonFilter(info, options) };
}

type BgrFrame = { image: { data: Uint8Array }; width: number; height: number; time: number };

/**
 * One camera's Python process for one apply() filter (see PythonSupervisor). While there is no
 * ready process, frames pass through untouched (apply returns at once, or throws the reason, which
 * the chain reports once): the call never waits for Python to come back.
 */
export class PythonFilter implements TransformInstance {
  private readonly supervisor: PythonSupervisor;

  constructor(
    info: PythonPluginInfo,
    private readonly options: PythonFilterOptions,
  ) {
    this.supervisor = new PythonSupervisor(info.python, info.file, {
      onOutput: (line) => options.onOutput(info.id, line),
      startMs: options.startMs,
      now: options.now,
      call: 'apply()',
      meanwhile: 'frames pass through meanwhile',
    });
  }

  apply(frame: BgrFrame, params: Record<string, unknown>): Promise<TransformResult | void> | void {
    if (this.supervisor.ready) return this.exchange(frame, params);
    if (this.supervisor.why) throw new Error(this.supervisor.why);
  }

  dispose(): void {
    this.supervisor.dispose();
  }

  private async exchange(frame: BgrFrame, params: Record<string, unknown>): Promise<TransformResult | void> {
    const reply = await this.supervisor.exchange(
      { pixels: frame.image.data, width: frame.width, height: frame.height, timestamp: frame.time, params },
      this.options.hangMs ?? HANG_MS,
    );
    if (reply.header.kind !== Kind.result || reply.payload.length !== frame.image.data.byteLength)
      throw new Error('the Python process answered with a frame of the wrong size');
    // Read the Mat's view only now: the WASM heap may have grown (and moved) while we waited.
    frame.image.data.set(reply.payload);
    const results = reply.info?.results;
    return results && typeof results === 'object' ? (results as TransformResult) : undefined;
  }
}
