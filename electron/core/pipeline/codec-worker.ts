import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { Log } from 'node-av/lib';
import { AV_LOG_ERROR } from 'node-av/constants';
import { loadOpenCV } from '../transforms/opencv.js';
import { VideoProcessor } from './video-processor.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/**
 * One camera's decode -> transform -> encode, off the main thread.
 * After each message the port is drained synchronously, decoding every queued frame, and only
 * the newest decoded frame is transformed and encoded: when processing is slower than the camera,
 * frames are dropped here and latency stays bounded.
 */
const port = parentPort!;
// FFmpeg's info lines (libx264 summaries, libvpx banners) are noise in the app's log.
Log.setLevel(AV_LOG_ERROR);
const { cv } = await loadOpenCV();
let processor: VideoProcessor | undefined;

function post(message: FromWorker): void {
  if (message.type === 'encoded') port.postMessage(message, [message.data.buffer as ArrayBuffer]);
  else port.postMessage(message);
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'init':
      processor = new VideoProcessor(cv, message.codec, message.transform, message.maxBitrate);
      post({ type: 'ready' });
      break;
    case 'frame':
      if (!processor!.decode(message.data, message.timestamp)) post({ type: 'need-keyframe', reason: 'decode error' });
      break;
    case 'transform':
      processor!.setTransform(message.transform);
      break;
    case 'keyframe':
      processor!.requestKeyframe();
      break;
    case 'close':
      processor?.dispose();
      processor = undefined;
      port.close();
      break;
  }
}

port.on('message', (first: ToWorker) => {
  try {
    handle(first);
    for (let next = receiveMessageOnPort(port); next && processor; next = receiveMessageOnPort(port)) handle(next.message as ToWorker);
    const encoded = processor?.encodeLatest();
    if (encoded) post({ type: 'encoded', ...encoded });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
