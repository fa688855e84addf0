import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RateGate } from '../../../electron/core/base/rate-gate.js';

it('runs at once, then at most once per interval: later calls wait for its end and merge', async () => {
  let runs = 0;
  let merged = 0;
  const gate = new RateGate(
    () => runs++,
    100,
    () => merged++,
  );
  gate.call();
  assert.equal(runs, 1);
  for (let i = 0; i < 1000; i++) gate.call();
  assert.equal(runs, 1, 'none at once');
  assert.equal(merged, 999, 'the first deferred, the rest merged into it');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(runs, 2, 'the deferred one ran at the end of the interval');
  gate.call();
  gate.stop();
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(runs, 2, 'stopped: a deferred call does not run');
});
