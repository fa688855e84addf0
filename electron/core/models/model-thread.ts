import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ModelEngine } from './model-engine.js';
import { ModelFiles } from './model-files.js';
import type { ModelReply, ModelRequest, ModelWorkerData, ToModelWorker } from './protocol.js';

/**
 * The model worker's thread: one per process, the models loaded once and shared by every camera.
 * Each codec worker that runs a model filter is a client on a port of its own (ModelService hands
 * them out); a request is answered on the port it came on, calls run one at a time (ModelEngine).
 */
/** The thread's nice value (Linux): when the CPU is short, the codec workers and the network thread get it first. */
const NICE = 10;

/** Linux keeps a nice value per thread: this one's own, so the rest of the process is untouched. Elsewhere: nothing. */
function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), NICE);
  } catch {
    // Not allowed (a container's policy): the model rate's own throttle still holds.
  }
}

lowerPriority();
const engine = new ModelEngine(new ModelFiles((workerData as ModelWorkerData | undefined)?.manifest));

function serve(port: MessagePort): void {
  port.on('message', (request: ModelRequest) => void answer(port, request));
}

async function answer(port: MessagePort, request: ModelRequest): Promise<void> {
  try {
    if (request.type === 'load') {
      await engine.load(request.task);
      return reply(port, { id: request.id, ok: true, busyMs: 0 });
    }
    const { task, pixels, width, height, params } = request;
    const { results, mask, busyMs } = await engine.detect(task, pixels, width, height, params);
    reply(port, { id: request.id, ok: true, results: results as Record<string, unknown> | undefined, mask, busyMs }, mask);
  } catch (error) {
    reply(port, { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

function reply(port: MessagePort, message: ModelReply, mask?: { data: Uint8Array }): void {
  port.postMessage(message, mask ? [mask.data.buffer as ArrayBuffer] : []);
}

parentPort!.on('message', (message: ToModelWorker) => {
  if (message.type === 'connect') serve(message.port);
});
