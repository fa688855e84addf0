import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadOpenCV } from '../../../electron/core/transforms/opencv.js';
import { isBuiltin, listTransforms } from '../../../electron/core/transforms/registry.js';
import { runsNative } from '../../../electron/core/worker/chain-runner.js';
import { warmUp } from '../../../electron/core/worker/warm-up.js';

it('the warm-up runs every built-in apply filter that changes pixels in OpenCV.js, without an error', async () => {
  const { cv } = await loadOpenCV();
  const first = await warmUp(cv);
  assert.deepEqual(first.errors, []);
  const expected = listTransforms()
    .filter((t) => isBuiltin(t.id) && !t.identity && t.kind !== 'detect' && !runsNative(t))
    .map((t) => t.id);
  assert.deepEqual(Object.keys(first.spentMs).sort(), expected.sort());
  // Detect filters run beside the worker; those with a native form run as FFmpeg graphs: nothing to compile in OpenCV.js.
  assert.ok(expected.includes('edges') && !expected.includes('faces') && !expected.includes('cartoon'));
});

it('the warm-up stops at the next transform once asked (a camera arrived)', async () => {
  const { cv } = await loadOpenCV();
  let calls = 0;
  const { spentMs } = await warmUp(cv, () => ++calls > 2);
  assert.equal(Object.keys(spentMs).length, 2);
});
