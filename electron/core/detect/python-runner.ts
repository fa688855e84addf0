import { Format, Kind } from '../python/protocol.js';
import { PythonSupervisor } from '../python/python-supervisor.js';
import type { ParamValues } from '../transforms/types.js';
import { DETECT_HANG_MS, type DetectFrame, type DetectRunner } from './runner.js';
import type { RawDetection } from './schema.js';

export interface PythonRunnerOptions {
  onOutput(line: string): void;
  hangMs?: number;
  startMs?: number;
}

/**
 * A .py file's detect() in a Python process of its own (the bridge of apply() filters, see
 * PythonSupervisor): BGR frames go to it, JSON results and a mask (one byte a pixel) come back.
 */
export class PythonRunner implements DetectRunner {
  readonly format = 'bgr';
  private readonly supervisor: PythonSupervisor;

  constructor(
    python: string,
    file: string,
    private readonly options: PythonRunnerOptions,
  ) {
    this.supervisor = new PythonSupervisor(python, file, {
      onOutput: options.onOutput,
      startMs: options.startMs,
      call: 'detect()',
      meanwhile: 'nothing new is drawn meanwhile',
    });
  }

  get idle(): boolean {
    return this.supervisor.ready;
  }

  cpuSeconds(): number | undefined {
    return this.supervisor.cpuSeconds();
  }

  get trouble(): string | undefined {
    return this.supervisor.why;
  }

  async run(frame: DetectFrame, params: ParamValues): Promise<RawDetection> {
    const reply = await this.supervisor.exchange(
      { pixels: frame.pixels, width: frame.width, height: frame.height, timestamp: frame.time, params },
      this.options.hangMs ?? DETECT_HANG_MS,
    );
    if (reply.header.kind !== Kind.result) throw new Error(`the Python process answered with a message of kind ${reply.header.kind}`);
    const { width, height, format } = reply.header;
    // The payload is a view into the reader's buffer: the mask is kept, so it is copied.
    const mask = format === Format.mask8 ? { width, height, data: new Uint8Array(reply.payload) } : undefined;
    return { results: reply.info?.results, mask };
  }

  dispose(): void {
    this.supervisor.dispose();
  }
}
