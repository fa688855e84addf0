import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyframeRequester } from '../../electron/core/pipeline/keyframe-requester.js';

it('KeyframeRequester sends at once, folds a burst into one later request, and never drops one', async () => {
  let sent = 0;
  const pli = new KeyframeRequester(() => sent++, 50);
  pli.request();
  assert.equal(sent, 1);
  pli.request();
  pli.request();
  assert.equal(sent, 1, 'inside the interval: deferred');
  await sleep(80);
  assert.equal(sent, 2, 'the deferred requests went out once');
  await sleep(80);
  pli.request();
  assert.equal(sent, 3);
  pli.request();
  pli.stop();
  await sleep(80);
  assert.equal(sent, 3, 'stopped: nothing pending');
});
