import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Log } from 'node-av/lib';
import { AV_LOG_ERROR } from 'node-av/constants';
import { loadOpenCV } from '../transforms/opencv.js';
import { loadPlugins } from '../plugins/js-plugins.js';
import { setPluginTransforms } from '../transforms/registry.js';
import { pythonTransform, type PythonPluginInfo } from '../python/python-filter.js';
import { VideoProcessor } from './video-processor.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import type { TransformChain } from '../transforms/chain.js';
import { warmUp } from './warm-up.js';
import type { CodecWorkerData, FromWorker, ToWorker } from './protocol.js';

/**
 * One camera's decode -> transform -> encode, off the main thread.
 * After each message the port is drained synchronously, decoding every queued frame, and only
 * the newest decoded frame is transformed and encoded: when processing is slower than the camera,
 * frames are dropped here and latency stays bounded. A transform that answers later (a Python
 * filter) keeps one frame in flight; messages are handled meanwhile, and the newest frame decoded
 * by then is the next one processed.
 */
const port = parentPort!;
// FFmpeg's info lines (libx264 summaries, libvpx banners) are noise in the app's log.
Log.setLevel(AV_LOG_ERROR);
const { cv } = await loadOpenCV();
let processor: VideoProcessor | undefined;
let reportedSize = '';
/** Kept for a processor that does not exist yet (plugins still loading). */
let rate: RateSettings | undefined;
/** The newest chain: one set while plugins were still loading must not be lost. */
let chain: TransformChain = [];

function post(message: FromWorker): void {
  if (message.type === 'encoded') port.postMessage(message, [message.data.buffer as ArrayBuffer]);
  else port.postMessage(message);
}

async function reloadPlugins(dir: string | undefined, python: PythonPluginInfo[]): Promise<void> {
  const { transforms } = dir ? await loadPlugins(dir) : { transforms: [] };
  const onOutput = (id: string, line: string) => post({ type: 'log', message: `python "${id}": ${line}` });
  setPluginTransforms([...transforms, ...python.map((info) => pythonTransform(info, { onOutput }))]);
}

/** What transforming and encoding the last frame took (ms), and whether its chain answered at once. */
let lastWork = { ms: Infinity, sync: false };
/**
 * Frames that come in one batch are normally decoded and only the newest is sent (a filter slower
 * than the camera must not build a queue). But a lost packet holds back every frame after it until
 * its retransmission comes, one round trip later, and then they all arrive at once: with a cheap
 * filter they are worth sending. Measured with 100 ms RTT and 3 % loss each way: a quarter of the
 * frames were dropped that way. Frames of a batch are sent while they cost no more than this in all
 * (latency grows by at most this, once), then the newest only.
 */
const CATCH_UP_MS = 20;

/** Transforms and encodes the newest frame, again while frames came in during an asynchronous transform. */
let pumping = false;
async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  try {
    while (processor) {
      const current = processor;
      const outcome = current.encodeLatest();
      // A promise only when the chain has an asynchronous stage (Python); built-ins stay synchronous.
      const encoded = outcome instanceof Promise ? await outcome : outcome;
      if (encoded) {
        lastWork = { ms: encoded.timings.transformMs + encoded.timings.encodeMs, sync: !(outcome instanceof Promise) };
        post({ type: 'encoded', ...encoded });
      }
      reportErrors();
      if (!current.hasPending) break;
    }
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    pumping = false;
  }
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'init': {
      const { codec, pluginsDir, python = [] } = message;
      chain = message.chain;
      const start = () => {
        processor = new VideoProcessor(cv, codec, chain);
        if (rate) processor.setRate(rate);
        // Frames that came before the processor existed were lost: start from a keyframe.
        post({ type: 'need-keyframe', reason: 'worker ready' });
        reportErrors();
      };
      if (pluginsDir || python.length) void reloadPlugins(pluginsDir, python).then(start, start);
      else start();
      break;
    }
    case 'frame':
      if (processor && !processor.decode(message.data, message.timestamp)) post({ type: 'need-keyframe', reason: 'decode error' });
      reportSize();
      break;
    case 'chain':
      chain = message.chain;
      processor?.setChain(chain);
      reportErrors();
      break;
    case 'plugins':
      void reloadPlugins(message.dir, message.python).then(() => {
        processor?.rebuildChain();
        reportErrors();
      });
      break;
    case 'rate':
      rate = message.settings;
      processor?.setRate(rate);
      break;
    case 'keyframe':
      processor?.requestKeyframe();
      break;
    case 'close':
      processor?.dispose();
      processor = undefined;
      port.close();
      break;
  }
}

function reportSize(): void {
  const size = processor?.decodedSize;
  if (!size?.width || `${size.width}x${size.height}` === reportedSize) return;
  reportedSize = `${size.width}x${size.height}`;
  post({ type: 'size', ...size });
}

function reportErrors(): void {
  const errors = processor?.takeErrors() ?? [];
  if (errors.length) post({ type: 'transform-errors', errors });
}

// A spare warms its transforms up until a camera arrives; a failure there only costs speed.
let started = false;
if ((workerData as CodecWorkerData | undefined)?.warmUp) warmUp(cv, () => started).catch(() => {});

port.on('message', (first: ToWorker) => {
  started = true;
  try {
    handle(first);
    let caughtUpMs = 0;
    for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
      const message = next.message as ToWorker;
      // A synchronous chain's pump() finishes before it returns: the waiting frame is sent now.
      if (message.type === 'frame' && processor?.hasPending && lastWork.sync && caughtUpMs + lastWork.ms <= CATCH_UP_MS) {
        caughtUpMs += lastWork.ms;
        void pump();
      }
      handle(message);
    }
    void pump();
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
