import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { Log } from 'node-av/lib';
import { AV_LOG_FATAL } from 'node-av/constants';
import { FrameLoop } from './frame-loop.js';
import { openCv } from './opencv-runtime.js';
import type { CodecWorkerData, FromWorker, ToCodecWorker, ToWorker } from './protocol.js';
import { warmUp } from './warm-up.js';

/**
 * A codec worker thread's entry: a FrameLoop per camera, each on the port the pool attached it by.
 * Each port's messages come as events of their own, and a loop handles all of its queued messages
 * and then one frame, so the thread's cameras take turns.
 */
// FFmpeg's info lines are noise in the app's log, and its decode errors a peer's to write at will
// (one per bad frame): those are counted in the session's stats (GuardCounts.decodeErrors) instead.
Log.setLevel(AV_LOG_FATAL);

function attach(port: MessagePort): void {
  const post = (message: FromWorker) => {
    if (message.type === 'encoded') port.postMessage(message, [message.data.buffer as ArrayBuffer]);
    else port.postMessage(message);
  };
  // receiveMessageOnPort on a closed port crashes the process (Node 20): nothing is read after 'close'.
  let closed = false;
  const loop = new FrameLoop(
    post,
    () => (closed ? undefined : (receiveMessageOnPort(port)?.message as ToWorker | undefined)),
    () => {
      closed = true;
      port.close();
    },
  );
  port.on('message', (message: ToWorker) => {
    started = true;
    void loop.receive(message);
  });
  // The camera's end went away without a 'close' (its session dropped the port): free its codecs all the same.
  port.once('close', () => {
    if (closed) return;
    closed = true;
    void loop.receive({ type: 'close' });
  });
}

// A new worker warms its transforms up until a camera arrives; a failure there only costs speed.
let started = false;
if ((workerData as CodecWorkerData | undefined)?.warmUp) void openCv().then((cv) => warmUp(cv, () => started).catch(() => {}));

parentPort!.on('message', (message: ToCodecWorker) => {
  if (message.type === 'attach') attach(message.port);
});
// Loaded: the pool may end this thread from now on.
parentPort!.postMessage('started');
