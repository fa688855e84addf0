import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { newGuardCounts } from '../../../electron/core/base/guard-counts.js';
import { silentLogger } from '../../../electron/core/base/log.js';
import type { AssembledFrame } from '../../../electron/core/media/frames.js';
import type { WorkerPool } from '../../../electron/core/video/worker-pool.js';
import { WorkerFeed } from '../../../electron/core/video/worker-feed.js';

/** Stand-ins for the codec worker: each takes frames (saying so) until `failAfter` of them, then fails as told. */
const script = (failAfter: number, how: 'exit' | 'hang' | 'never') => `
  const { parentPort } = require('node:worker_threads');
  let frames = 0;
  parentPort.on('message', (m) => {
    if (m.type !== 'frame') return;
    if ('${how}' === 'never') return;
    if (++frames > ${failAfter}) {
      if ('${how}' === 'exit') throw new Error('a decoder bug');
      return;
    }
    parentPort.postMessage({ type: 'drained', frames: 1 });
  });`;

function feedWith(scripts: string[]) {
  const counts = newGuardCounts();
  const events = { replaced: [] as string[], keyframes: 0 };
  const workers: Worker[] = [];
  const pool = {
    take: () => {
      const worker = new Worker(scripts[Math.min(workers.length, scripts.length - 1)]!, { eval: true });
      workers.push(worker);
      return worker;
    },
  } as unknown as WorkerPool;
  const feed = new WorkerFeed({
    codec: 'vp8',
    pool,
    log: silentLogger,
    maxPixels: 1920 * 1088,
    counts,
    chainNow: () => [{ id: 'edges', params: {} }],
    events: {
      onFrame: () => {},
      onSize: () => {},
      onTransformErrors: () => {},
      onResult: () => {},
      needKeyframe: () => events.keyframes++,
      replaced: (message) => events.replaced.push(message),
    },
    wedgedMs: 300,
    startingMs: 10_000,
  });
  return { feed, counts, events, workers };
}

const frame = (keyframe = false): AssembledFrame => ({ data: Buffer.alloc(1000), keyframe, timestamp: 0, packets: [] });
/** Until `done()`, at most 10 s (a loaded machine starts threads slowly). */
async function until(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
}

it('replaces a worker whose thread ends, and the new one gets the next frames', async () => {
  const { feed, counts, events, workers } = feedWith([script(2, 'exit'), script(1000, 'exit')]);
  for (let i = 0; i < 3; i++) assert.equal(feed.push(frame(i === 0)), true);
  await until(() => counts.workerRestarts > 0);
  assert.equal(counts.workerRestarts, 1);
  assert.match(events.replaced[0]!, /thread ended .*a new one takes over/);
  assert.equal(feed.running, false, 'none until the next frame (the camera is asked for a keyframe)');
  assert.equal(feed.push(frame(true)), true);
  assert.equal(workers.length, 2, 'a new worker from the pool');
  await feed.close();
});

it('replaces a worker that stops taking frames, and waits longer before each replacement of one that keeps failing', async () => {
  const { feed, counts, events } = feedWith([script(1, 'hang')]);
  feed.push(frame(true));
  feed.push(frame());
  await until(() => counts.workerRestarts > 0);
  assert.equal(counts.workerRestarts, 1);
  assert.match(events.replaced[0]!, /took no frame for 0\.\d s/);
  feed.push(frame(true));
  feed.push(frame());
  await until(() => counts.workerRestarts > 1);
  assert.equal(counts.workerRestarts, 2);
  assert.match(events.replaced[1]!, /takes over in 1 s/);
  assert.equal(feed.push(frame(true)), false, 'shed until the wait is over');
  await feed.close();
});

it("bounds the worker's queue: frames beyond it are shed, not queued", async () => {
  const { feed } = feedWith([script(0, 'never')]);
  const accepted = Array.from({ length: 40 }, (_, i) => feed.push(frame(i === 0))).filter(Boolean).length;
  assert.equal(accepted, 30);
  await feed.close();
});
