import type { DetectFrame, DetectRunner } from '../../electron/core/detect/runner.js';
import type { RawDetection } from '../../electron/core/detect/schema.js';
import type { ParamValues } from '../../electron/core/transforms/types.js';

/** A detect runner the test answers by hand: what it was given, and when it answers. */
export class FakeRunner implements DetectRunner {
  readonly calls: { frame: DetectFrame; params: ParamValues }[] = [];
  trouble?: string;
  private pending?: { resolve: (raw: RawDetection) => void; reject: (error: Error) => void };
  disposed = false;

  constructor(readonly format: 'rgba' | 'bgr' = 'rgba') {}

  get idle(): boolean {
    return !this.pending && !this.trouble;
  }

  run(frame: DetectFrame, params: ParamValues): Promise<RawDetection> {
    this.calls.push({ frame, params });
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  /** Answers the call in flight; resolves once the stage has taken the answer. */
  async answer(raw: RawDetection | Error): Promise<void> {
    const pending = this.pending!;
    this.pending = undefined;
    if (raw instanceof Error) pending.reject(raw);
    else pending.resolve(raw);
    await new Promise((r) => setImmediate(r));
  }

  dispose(): void {
    this.disposed = true;
  }
}
