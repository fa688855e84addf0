import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SceneChange } from '../../electron/core/pipeline/scene-change.js';

/** A 640x480 Y plane (stride 704, as decoders pad rows): a gradient, with a bright square at `squareX`. */
function picture(squareX: number, offset = 0): Uint8Array {
  const stride = 704;
  const plane = new Uint8Array(stride * 480);
  for (let y = 0; y < 480; y++) {
    for (let x = 0; x < 640; x++) plane[y * stride + x] = Math.min(255, ((x + y) >> 2) + offset + (x >= squareX && x < squareX + 40 && y >= 200 && y < 240 ? 120 : 0));
  }
  return plane;
}

it('a moving object or a slightly different encode of the same scene is a small change; a new scene is a large one', () => {
  const change = new SceneChange();
  assert.equal(change.measure(picture(100), 704, 640, 480), 0, 'the first picture');
  const moved = change.measure(picture(110), 704, 640, 480);
  const requantised = change.measure(picture(110, 2), 704, 640, 480);
  const cut = change.measure(new Uint8Array(704 * 480).fill(128), 704, 640, 480);
  assert.ok(moved < 2, `moved object: ${moved}`);
  assert.ok(requantised <= 2.5, `the same scene, 2 levels brighter: ${requantised}`);
  assert.ok(cut > 20, `a new scene: ${cut}`);
  assert.equal(change.measure(new Uint8Array(704 * 480).fill(128), 704, 640, 480), 0, 'the same again');
});
