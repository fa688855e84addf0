import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { newGuardCounts } from '../../../electron/core/base/guard-counts.js';
import { silentLogger } from '../../../electron/core/base/log.js';
import type { AssembledFrame } from '../../../electron/core/media/frames.js';
import { WorkerPool } from '../../../electron/core/video/worker-pool.js';
import { WorkerFeed } from '../../../electron/core/video/worker-feed.js';

type Failure = 'exit' | 'block' | 'hang-first' | 'never' | 'none';
/**
 * Stand-ins for a shared codec worker thread: each camera attached on a port of its own takes frames
 * (saying so on that port) until the thread has taken `failAfter` frames, then it fails as told: its
 * thread throws (exit), spins (block: every camera on it stuck), or only its first camera's loop stops
 * taking frames (hang-first: the thread goes on for the others).
 */
const script = (failAfter: number, how: Failure) => `
  const { parentPort } = require('node:worker_threads');
  let frames = 0;
  let cameras = 0;
  parentPort.on('message', ({ type, port }) => {
    if (type !== 'attach') return;
    const camera = cameras++;
    port.on('message', (m) => {
      if (m.type !== 'frame' || '${how}' === 'never') return;
      if (++frames > ${failAfter}) {
        if ('${how}' === 'exit') throw new Error('a decoder bug');
        if ('${how}' === 'block') for (;;);
        if ('${how}' === 'hang-first' && camera === 0) return;
      }
      port.postMessage({ type: 'drained', frames: 1 });
    });
  });
  parentPort.postMessage('started');`;

const pools: WorkerPool[] = [];
after(() => Promise.all(pools.map((pool) => pool.close())));

/** A pool of one thread at most (so cameras share it) whose n-th thread runs scripts[n] (the last repeats). */
function poolOf(scripts: string[]) {
  let spawned = 0;
  const pool = new WorkerPool({
    maxWorkers: 1,
    spawn: () => new Worker(scripts[Math.min(spawned++, scripts.length - 1)]!, { eval: true }),
  });
  pools.push(pool);
  return Object.assign(pool, { spawned: () => spawned });
}

function feedOn(pool: WorkerPool) {
  const counts = newGuardCounts();
  const events = { replaced: [] as string[] };
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
      needKeyframe: () => {},
      replaced: (message) => events.replaced.push(message),
    },
    // A second, not less: this process stalled for a few hundred ms on a loaded machine, its watchdog
    // ran before the port's waiting messages, and a camera whose frames were taken seemed stuck.
    wedgedMs: 1000,
    // A camera whose first frames were never taken (the thread took another camera's first, then stuck) is moved after this.
    startingMs: 3000,
  });
  return { feed, counts, events };
}

const frame = (keyframe = false): AssembledFrame => ({ data: Buffer.alloc(1000), keyframe, timestamp: 0, packets: [] });
/** Until `done()`, at most 10 s (a loaded machine starts threads slowly). */
async function until(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
}
/** Pushes a frame every 50 ms for `ms`. */
async function feedFor(ms: number, ...feeds: WorkerFeed[]): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    for (const feed of feeds) feed.push(frame());
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('moves every camera of a thread that ends to a new one, each from its next frame (a keyframe)', async () => {
  const pool = poolOf([script(3, 'exit'), script(1000, 'exit')]);
  const a = feedOn(pool);
  const b = feedOn(pool);
  for (let i = 0; i < 2; i++) assert.equal(a.feed.push(frame(i === 0)) && b.feed.push(frame(i === 0)), true);
  assert.deepEqual(pool.load, [2], 'both cameras share the one thread');
  await until(() => a.counts.workerRestarts > 0 && b.counts.workerRestarts > 0);
  for (const { counts, events, feed } of [a, b]) {
    assert.equal(counts.workerRestarts, 1);
    assert.match(events.replaced[0]!, /thread ended \(exit code 1: a decoder bug\).*a new one takes over.*next keyframe/);
    assert.equal(feed.running, false, 'none until the next frame (the camera is asked for a keyframe)');
  }
  assert.equal(a.feed.push(frame(true)) && b.feed.push(frame(true)), true);
  assert.deepEqual(pool.load, [2], 'both on the new thread');
  assert.equal(pool.spawned(), 2);
  await until(() => pool.live === 1);
  assert.equal(pool.live, 1, 'the dead thread is not counted');
  await Promise.all([a.feed.close(), b.feed.close()]);
});

it('moves a camera whose frames stop being taken to a new thread; the other camera on the old one goes on, and the old thread ends when it leaves', async () => {
  const pool = poolOf([script(4, 'hang-first'), script(1000, 'none')]);
  const stuck = feedOn(pool);
  const healthy = feedOn(pool);
  await feedFor(200, stuck.feed, healthy.feed);
  await until(() => stuck.counts.workerRestarts > 0);
  assert.equal(stuck.counts.workerRestarts, 1);
  assert.match(stuck.events.replaced[0]!, /took no frame for 1\.\d s/);
  assert.equal(stuck.feed.push(frame(true)), true, 'taken again from a keyframe, on a new thread');
  assert.equal(pool.live, 2, 'the old thread still serves the other camera');
  assert.deepEqual(pool.load, [1], 'only the new thread takes cameras');
  await feedFor(1000, stuck.feed, healthy.feed);
  assert.equal(healthy.counts.workerRestarts, 0, 'the camera whose frames are taken stays where it is');
  assert.equal(stuck.counts.workerRestarts, 1, 'the moved camera is served on its new thread');
  await healthy.feed.close();
  await until(() => pool.live === 1);
  assert.equal(pool.live, 1, 'the suspect thread ended once its last camera left');
  await stuck.feed.close();
});

it('moves every camera of a thread that is stuck, and ends that thread', async () => {
  const pool = poolOf([script(3, 'block'), script(1000, 'none')]);
  const a = feedOn(pool);
  const b = feedOn(pool);
  await feedFor(200, a.feed, b.feed);
  await until(() => a.counts.workerRestarts > 0 && b.counts.workerRestarts > 0);
  assert.deepEqual([a.counts.workerRestarts, b.counts.workerRestarts], [1, 1]);
  assert.equal(a.feed.push(frame(true)) && b.feed.push(frame(true)), true);
  assert.equal(pool.spawned(), 2, 'on a new thread');
  await until(() => pool.live === 1);
  assert.equal(pool.live, 1, 'the stuck thread was ended');
  await feedFor(600, a.feed, b.feed);
  assert.deepEqual([a.counts.workerRestarts, b.counts.workerRestarts], [1, 1], 'both served by the new one');
  await Promise.all([a.feed.close(), b.feed.close()]);
});

it("bounds each camera's queue on its own port: frames beyond it are shed, not queued", async () => {
  const pool = poolOf([script(0, 'never')]);
  const feeds = [feedOn(pool), feedOn(pool)];
  for (const { feed } of feeds) {
    const accepted = Array.from({ length: 40 }, (_, i) => feed.push(frame(i === 0))).filter(Boolean).length;
    assert.equal(accepted, 30);
  }
  assert.deepEqual(pool.load, [2], 'on one thread');
  await Promise.all(feeds.map(({ feed }) => feed.close()));
});

it('waits longer before each replacement of a camera that keeps failing', async () => {
  const pool = poolOf([script(1, 'hang-first')]);
  const { feed, counts, events } = feedOn(pool);
  feed.push(frame(true));
  feed.push(frame());
  await until(() => counts.workerRestarts > 0);
  feed.push(frame(true));
  feed.push(frame());
  await until(() => counts.workerRestarts > 1);
  assert.equal(counts.workerRestarts, 2);
  assert.match(events.replaced[1]!, /takes over in 1 s/);
  assert.equal(feed.push(frame(true)), false, 'shed until the wait is over');
  await feed.close();
});
