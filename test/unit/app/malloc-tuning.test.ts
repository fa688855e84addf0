import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MALLOC_ENV, mallocTuned } from '../../../electron/core/app/malloc-tuning.js';

it('the headless core re-runs itself for its malloc settings on Linux only, and only once', () => {
  assert.equal(mallocTuned({}, 'linux'), false);
  assert.equal(mallocTuned({ ...MALLOC_ENV }, 'linux'), true, 'the re-run child does not run again');
  assert.equal(mallocTuned({ MALLOC_ARENA_MAX: '4' }, 'linux'), false, 'all of them or it re-runs');
  assert.equal(mallocTuned({}, 'win32'), true);
  assert.equal(mallocTuned({}, 'darwin'), true);
});
