import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelRate } from '../../../electron/core/detect/model-rate.js';

/**
 * A camera at 30 fps for `seconds`, every `keep`th frame reaching the stage (the rest dropped by
 * a busy worker), and a model that takes `callMs` a call whenever ModelRate lets it start.
 */
function drive(rate: ModelRate, clock: { now: number }, seconds: number, { keep = 1, callMs = 150, maxRate = 30 } = {}) {
  let busyUntil = -1;
  let started = 0;
  const startMs = clock.now;
  for (let frame = 0; frame < seconds * 30; frame++) {
    clock.now = startMs + (frame * 1000) / 30;
    if (busyUntil >= 0 && clock.now >= busyUntil) {
      rate.finished();
      busyUntil = -1;
    }
    if (frame % keep) continue;
    rate.frame(clock.now / 1000);
    if (busyUntil < 0 && rate.mayStart(maxRate)) {
      rate.started();
      started++;
      busyUntil = clock.now + callMs;
    }
  }
  return started / seconds;
}

describe('ModelRate: video first, the model second', () => {
  it('leaves a model alone while the video keeps every frame', () => {
    const clock = { now: 0 };
    const rate = new ModelRate(() => clock.now);
    const runs = drive(rate, clock, 10);
    assert.ok(runs > 5.5 && runs <= 6.7, `a 150 ms model runs ~6/s (${runs.toFixed(1)})`);
    assert.equal(rate.videoCap, Infinity);
    assert.equal(rate.throttled, undefined);
  });

  it('holds a model to its max-rate param, and says so', () => {
    const clock = { now: 0 };
    const rate = new ModelRate(() => clock.now);
    const runs = drive(rate, clock, 10, { maxRate: 2 });
    assert.ok(runs > 1.7 && runs <= 2.1, `2/s (${runs.toFixed(2)})`);
    assert.equal(rate.throttled, 'max-rate');
  });

  it('halves the model’s rate while frames are dropped, down to 1/s, and lets it grow back once they are not', () => {
    const clock = { now: 0 };
    const rate = new ModelRate(() => clock.now);
    drive(rate, clock, 4); // the camera's interval is learnt while nothing is dropped
    drive(rate, clock, 4, { keep: 2 });
    assert.ok(rate.videoCap <= 3.5, `capped after a window of drops (${rate.videoCap})`);
    drive(rate, clock, 6, { keep: 2 });
    assert.equal(rate.videoCap, 1, 'never below 1/s');
    const capped = drive(rate, clock, 4, { keep: 2 });
    assert.ok(capped <= 1.3, `runs at the cap (${capped.toFixed(2)}/s)`);
    assert.equal(rate.throttled, 'video');
    drive(rate, clock, 40);
    assert.equal(rate.videoCap, Infinity, 'lifted once the video keeps up again');
    assert.equal(rate.throttled, undefined);
  });

  it('leaves alone a model that uses little CPU (it sleeps, or waits on a GPU): slowing it would not help the video', () => {
    const clock = { now: 0 };
    // A quarter of a core at most... then a whole core.
    let cpu = 0;
    const rate = new ModelRate(
      () => clock.now,
      () => cpu,
    );
    drive(rate, clock, 4);
    for (let s = 0; s < 10; s++) {
      cpu += 0.2;
      drive(rate, clock, 1, { keep: 2 });
    }
    assert.equal(rate.videoCap, Infinity, 'frames were dropped, but not for the model');
    for (let s = 0; s < 6; s++) {
      cpu += 1;
      drive(rate, clock, 1, { keep: 2 });
    }
    assert.ok(rate.videoCap <= 3, `a busy model is capped (${rate.videoCap})`);
  });

  it('counts its results a second over the last 4 s', () => {
    const clock = { now: 0 };
    const rate = new ModelRate(() => clock.now);
    drive(rate, clock, 6, { callMs: 100 });
    assert.ok(rate.rate > 8 && rate.rate <= 10.5, `~10/s (${rate.rate})`);
  });
});
