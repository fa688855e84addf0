import { loadPlugins } from '../plugins/js-plugins.js';
import { graphTransform, type GraphPluginSpec } from '../plugins/graph-plugins.js';
import { pythonTransform, type PythonPluginInfo } from '../python/python-filter.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import type { TransformChain } from '../transforms/chain.js';
import { setPluginTransforms } from '../transforms/registry.js';
import { needsOpenCV } from './chain-runner.js';
import { cvLoaded, loadedCv, openCv } from './opencv-runtime.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { VideoProcessor } from './video-processor.js';
import { DetectHost } from './detect-host.js';

/**
 * Of frames that come in one batch only the newest is normally sent (a slow filter must not build a
 * queue); but frames released together after a repaired loss are worth sending with a cheap filter:
 * a batch's frames are sent while they cost no more than this in all, then the newest only.
 */
const CATCH_UP_MS = 20;

/**
 * One camera in a codec worker, without the thread: messages in (`receive`), messages out (`post`).
 * After each message the queue is drained synchronously (`next`): every queued frame is decoded,
 * only the newest is transformed and encoded, so latency stays bounded when processing is slower
 * than the camera. A chain that answers later (Python) keeps one frame in flight while messages are
 * handled. codec-worker.ts gives it the camera's port; tests drive it directly.
 */
export class FrameLoop {
  private processor?: VideoProcessor;
  private reportedSize = '';
  /** Kept for a processor that does not exist yet (plugins still loading). */
  private rate?: RateSettings;
  /** The newest chain (undefined: paused): one set while plugins were still loading must not be lost. */
  private chain?: TransformChain;
  /** What transforming and encoding the last frame took (ms), and whether its chain answered at once. */
  private lastWork = { ms: Infinity, sync: false };
  private pumping = false;
  /** Resolves once the processor exists (plugins may load first). */
  ready: Promise<void> = Promise.resolve();
  /** This camera's detect stages' runners, and where their results go (a worker's cameras each have their own). */
  private readonly host: DetectHost;

  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly next: () => ToWorker | undefined = () => undefined,
    /** After 'close': the thread lets go of its port. */
    private readonly onClose: () => void = () => {},
  ) {
    this.host = new DetectHost(loadedCv, {
      result: (event) => post({ type: 'result', event }),
      error: (message) => post({ type: 'transform-errors', errors: [message] }),
      log: (message) => post({ type: 'log', message }),
      needModels: () => post({ type: 'need-models' }),
    });
  }

  /** A message, then every message already queued behind it; then the newest frame is processed. */
  receive(first: ToWorker): Promise<void> {
    let frames = first.type === 'frame' ? 1 : 0;
    try {
      this.handle(first);
      let caughtUpMs = 0;
      for (let message = this.next(); message; message = this.next()) {
        if (message.type === 'frame') frames++;
        // A synchronous chain's pump() finishes before it returns: the waiting frame is sent now.
        if (message.type === 'frame' && this.processor?.hasPending && this.lastWork.sync && caughtUpMs + this.lastWork.ms <= CATCH_UP_MS) {
          caughtUpMs += this.lastWork.ms;
          void this.pump();
        }
        this.handle(message);
      }
    } catch (error) {
      this.post({ type: 'error', message: messageOf(error) });
    }
    if (frames) this.post({ type: 'drained', frames });
    return this.pump();
  }

  private handle(message: ToWorker): void {
    switch (message.type) {
      case 'init':
        return this.init(message);
      case 'frame':
        if (this.processor && !this.processor.decode(message.data, message.timestamp))
          this.post({ type: 'need-keyframe', reason: 'decode error', decodeError: true });
        return this.reportSize();
      case 'chain':
        this.chain = message.chain;
        // A chain with OpenCV.js stages waits for the runtime (the old chain runs meanwhile); the newest is set then.
        if (!this.canRun(message.chain)) return void this.whenCv(() => this.chain && this.processor?.setChain(this.chain));
        this.processor?.setChain(message.chain);
        return this.reportErrors();
      case 'pause':
        this.chain = undefined;
        return this.processor?.pause();
      case 'plugins':
        this.host.setPluginsDir(message.dir);
        void this.reloadPlugins(message.dir, message.python, message.graphs).then(() => {
          if (this.chain && !this.canRun(this.chain)) return void this.whenCv(() => this.processor?.rebuildChain());
          this.processor?.rebuildChain();
          this.reportErrors();
        });
        return;
      case 'rate':
        this.rate = message.settings;
        return this.processor?.setRate(message.settings);
      case 'keyframe':
        return this.processor?.requestKeyframe();
      case 'models':
        return this.host.attachModels(message.port);
      case 'close':
        this.processor?.dispose();
        this.processor = undefined;
        this.host.close();
        return this.onClose();
    }
  }

  private init({ codec, chain, maxPixels, pluginsDir, python = [], graphs = [] }: Extract<ToWorker, { type: 'init' }>): void {
    this.chain = chain;
    this.host.setPluginsDir(pluginsDir);
    const start = () => {
      // A chain that came meanwhile and waits for OpenCV.js is set when it is there (see whenCv).
      const runnable = this.chain && this.canRun(this.chain) ? this.chain : undefined;
      this.processor = new VideoProcessor(loadedCv, codec, runnable, maxPixels, this.host);
      if (this.rate) this.processor.setRate(this.rate);
      // Frames that came before the processor existed were lost: start from a keyframe.
      this.post({ type: 'need-keyframe', reason: 'worker ready' });
      this.reportErrors();
    };
    const loading =
      pluginsDir || python.length || graphs.length ? this.reloadPlugins(pluginsDir, python, graphs).catch(() => {}) : undefined;
    if (!loading && (!this.chain || this.canRun(this.chain))) return start();
    this.ready = (loading ?? Promise.resolve())
      .then(() => (this.chain && !this.canRun(this.chain) ? openCv() : undefined))
      .then(start, (error: unknown) => {
        this.post({ type: 'error', message: `OpenCV.js did not load: ${messageOf(error)}` });
        start();
      });
  }

  /** This thread can run `chain` now: it needs no OpenCV.js, or OpenCV.js is loaded. */
  private canRun(chain: TransformChain): boolean {
    return cvLoaded() || !needsOpenCV(chain);
  }

  /** Loads OpenCV.js, then `then()` (after whatever else was waiting: plugins, an earlier chain). */
  private whenCv(then: () => void): Promise<void> {
    this.ready = this.ready
      .then(() => openCv())
      .then(
        () => {
          then();
          this.reportErrors();
        },
        (error: unknown) => this.post({ type: 'error', message: `OpenCV.js did not load: ${messageOf(error)}` }),
      );
    return this.ready;
  }

  /** The main thread checked the Python and graph plugins; JS plugins are imported here (their code runs here). */
  private async reloadPlugins(dir: string | undefined, python: PythonPluginInfo[], graphs: GraphPluginSpec[] = []): Promise<void> {
    const { transforms } = dir ? await loadPlugins(dir) : { transforms: [] };
    const onOutput = (id: string, line: string) => this.post({ type: 'log', message: `python "${id}": ${line}` });
    setPluginTransforms([...transforms, ...python.map((info) => pythonTransform(info, { onOutput })), ...graphs.map(graphTransform)]);
  }

  /** Transforms and encodes the newest frame, again while frames came in during an asynchronous transform. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.processor) {
        const current = this.processor;
        const outcome = current.encodeLatest();
        // A promise only when the chain has an asynchronous stage (Python); built-ins stay synchronous.
        const encoded = outcome instanceof Promise ? await outcome : outcome;
        if (encoded) {
          this.lastWork = { ms: encoded.timings.transformMs + encoded.timings.encodeMs, sync: !(outcome instanceof Promise) };
          this.post({ type: 'encoded', ...encoded });
        }
        this.reportErrors();
        if (!current.hasPending) break;
      }
    } catch (error) {
      this.post({ type: 'error', message: messageOf(error) });
    } finally {
      this.pumping = false;
    }
  }

  private reportSize(): void {
    const size = this.processor?.decodedSize;
    if (!size?.width || `${size.width}x${size.height}` === this.reportedSize) return;
    this.reportedSize = `${size.width}x${size.height}`;
    this.post({ type: 'size', ...size });
  }

  private reportErrors(): void {
    const errors = this.processor?.takeErrors() ?? [];
    if (errors.length) this.post({ type: 'transform-errors', errors });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
