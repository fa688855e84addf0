import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CameraKeyframes } from '../../../electron/core/receive/camera-keyframes.js';

it('CameraKeyframes sends at once, folds a burst into one later request, and never drops one', async () => {
  let sent = 0;
  const pli = new CameraKeyframes(() => sent++, { minIntervalMs: 50, retryMs: 10_000 });
  pli.request();
  assert.equal(sent, 1);
  pli.request();
  pli.request();
  assert.equal(sent, 1, 'inside the interval: deferred');
  await sleep(80);
  assert.equal(sent, 2, 'the deferred requests went out once');
  pli.received();
  await sleep(80);
  pli.request();
  assert.equal(sent, 3);
  pli.request();
  pli.stop();
  await sleep(80);
  assert.equal(sent, 3, 'stopped: nothing pending');
});

it('CameraKeyframes asks again until a keyframe arrives (a PLI lost or ignored), then stops asking', async () => {
  let sent = 0;
  const pli = new CameraKeyframes(() => sent++, { minIntervalMs: 20, retryMs: 40 });
  pli.request();
  assert.equal(sent, 1);
  await sleep(150);
  assert.ok(sent >= 3 && sent <= 5, `repeated every 40 ms while no keyframe came (${sent} sent)`);
  pli.received();
  const after = sent;
  await sleep(150);
  assert.equal(sent, after, 'a keyframe arrived: no more requests');
  pli.request();
  assert.equal(sent, after + 1, 'a new request goes out at once');
  pli.stop();
  await sleep(100);
  assert.equal(sent, after + 1, 'stopped: no repeats');
});
