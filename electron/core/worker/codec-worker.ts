import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Log } from 'node-av/lib';
import { AV_LOG_FATAL } from 'node-av/constants';
import { loadOpenCV } from '../transforms/opencv.js';
import { FrameLoop } from './frame-loop.js';
import type { CodecWorkerData, FromWorker, ToWorker } from './protocol.js';
import { warmUp } from './warm-up.js';

/** The codec worker thread's entry: one camera's FrameLoop on this thread's port. */
const port = parentPort!;
// FFmpeg's info lines are noise in the app's log, and its decode errors a peer's to write at will
// (one per bad frame): those are counted in the session's stats (GuardCounts.decodeErrors) instead.
Log.setLevel(AV_LOG_FATAL);
const { cv } = await loadOpenCV();

function post(message: FromWorker): void {
  if (message.type === 'encoded') port.postMessage(message, [message.data.buffer as ArrayBuffer]);
  else port.postMessage(message);
}

const loop = new FrameLoop(
  cv,
  post,
  () => receiveMessageOnPort(port)?.message as ToWorker | undefined,
  () => port.close(),
);

// A spare warms its transforms up until a camera arrives; a failure there only costs speed.
let started = false;
if ((workerData as CodecWorkerData | undefined)?.warmUp) warmUp(cv, () => started).catch(() => {});

port.on('message', (message: ToWorker) => {
  started = true;
  void loop.receive(message);
});
