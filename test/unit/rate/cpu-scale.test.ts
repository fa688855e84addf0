import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuScale } from '../../../electron/core/rate/cpu-scale.js';

/**
 * A codec worker on one thread: the camera's frames come at `fps`; when the worker is free it
 * decodes every frame that came (`decodeMs` each, at the camera's size) and processes the newest,
 * which takes `workMs(factor)` at the scale it is given. `arrivals` may bunch frames (released
 * together after a lost packet was resent).
 */
function simulate(
  scale: CpuScale,
  clock: { now: number },
  seconds: number,
  { workMs, decodeMs = 2, fps = 30, bunch = 1 }: { workMs: (factor: number) => number; decodeMs?: number; fps?: number; bunch?: number },
) {
  const end = clock.now + seconds * 1000;
  let nextFrame = clock.now;
  let queued = 0;
  let processed = 0;
  const factors = new Set<number>();
  while (clock.now < end) {
    while (nextFrame <= clock.now) {
      queued += bunch;
      nextFrame += (1000 / fps) * bunch;
    }
    if (queued === 0) {
      clock.now = nextFrame;
      continue;
    }
    const factor = scale.factor;
    factors.add(factor);
    const work = workMs(factor);
    clock.now += decodeMs * queued + work;
    scale.processedFrame({ frames: queued, decodeMs: decodeMs * queued, workMs: work, factor });
    processed++;
    queued = 0;
  }
  return { fps: processed / seconds, factor: scale.factor, factors };
}

/** A chain whose cost grows with the area: `fullMs` at the camera's size. */
const area = (fullMs: number) => (factor: number) => 2 + (fullMs - 2) * factor ** 2;

describe('CpuScale: the size the worker keeps up at', () => {
  it("keeps the camera's size while the worker keeps up, even when busy", () => {
    const clock = { now: 0 };
    const scale = new CpuScale(() => clock.now);
    // 2 + 27 ms a frame at 30 fps: 87 % of the worker's time, every frame processed.
    const run = simulate(scale, clock, 20, { workMs: () => 27 });
    assert.deepEqual([...run.factors], [1]);
    assert.ok(run.fps > 29, `${run.fps} fps`);
  });

  it('a chain slower than the camera is processed smaller, at the camera frame rate', () => {
    const clock = { now: 0 };
    const scale = new CpuScale(() => clock.now);
    // 47 ms a frame at full size (1280x720 rotate on the bench machine): 20 fps at most.
    const full = simulate(new CpuScale(() => clock.now), { now: 0 }, 2, { workMs: () => 47 });
    assert.ok(full.fps < 21, `unscaled: ${full.fps} fps`);
    simulate(scale, clock, 6, { workMs: area(47) });
    const settled = simulate(scale, clock, 10, { workMs: area(47) });
    assert.ok(settled.factor < 1, 'scaled down');
    assert.deepEqual([...settled.factors], [settled.factor], 'and stays there');
    assert.ok(settled.fps > 29, `${settled.fps} fps at ${settled.factor}`);
  });

  it('goes back up when the chain got cheaper, and not while the size above would not keep up', () => {
    const clock = { now: 0 };
    const scale = new CpuScale(() => clock.now);
    simulate(scale, clock, 6, { workMs: area(47) });
    const low = scale.factor;
    assert.ok(low < 1);
    // The same cost for a minute: the size above would take more than 70 % of the time.
    assert.equal(simulate(scale, clock, 60, { workMs: area(47) }).factor, low);
    // The scene got simpler (10 ms a frame at full size): back to the camera's size.
    const light = simulate(scale, clock, 30, { workMs: area(10) });
    assert.equal(light.factor, 1);
    assert.ok(simulate(scale, clock, 5, { workMs: area(10) }).fps > 29);
  });

  it('frames released in bunches (a resent packet) with time to spare are no reason to shrink', () => {
    const clock = { now: 0 };
    const scale = new CpuScale(() => clock.now);
    // Six frames at once every 200 ms: five are replaced before the worker gets to them, but
    // processing them all would take a third of its time.
    const run = simulate(scale, clock, 20, { workMs: area(8), bunch: 6 });
    assert.deepEqual([...run.factors], [1]);
  });

  it('a camera that already sends fewer frames (the phone followed a slow filter) is judged at its rate', () => {
    const clock = { now: 0 };
    const scale = new CpuScale(() => clock.now);
    // 45 ms a frame at 15 fps: 70 % busy.
    assert.deepEqual([...simulate(scale, clock, 20, { workMs: () => 45, fps: 15 }).factors], [1]);
  });

  it('a 60 fps camera is kept up with at 30 fps', () => {
    const clock = { now: 0 };
    const scale = new CpuScale(() => clock.now);
    // 25 ms a frame: 60 fps would take 1.6 workers, 30 fps 87 % of one.
    const run = simulate(scale, clock, 20, { workMs: () => 25, fps: 60 });
    assert.deepEqual([...run.factors], [1]);
  });

  it('reset() is the camera size again (a new chain)', () => {
    const clock = { now: 0 };
    const scale = new CpuScale(() => clock.now);
    simulate(scale, clock, 6, { workMs: area(47) });
    assert.ok(scale.factor < 1);
    scale.reset();
    assert.equal(scale.factor, 1);
  });
});
