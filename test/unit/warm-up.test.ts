import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadOpenCV } from '../../electron/core/transforms/opencv.js';
import { isBuiltin, listTransforms } from '../../electron/core/transforms/registry.js';
import { warmUp } from '../../electron/core/pipeline/warm-up.js';

it('the warm-up runs every built-in transform that changes pixels, without an error', async () => {
  const { cv } = await loadOpenCV();
  const first = warmUp(cv);
  assert.deepEqual(first.errors, []);
  const expected = listTransforms().filter((t) => isBuiltin(t.id) && !t.identity).map((t) => t.id);
  assert.deepEqual(Object.keys(first.spentMs).sort(), expected.sort());
  assert.ok(expected.includes('cartoon') && expected.includes('faces'));
});
