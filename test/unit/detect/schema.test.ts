import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDetection, SchemaError } from '../../../electron/core/detect/schema.js';

const check = (results: unknown, mask?: { width: number; height: number; data: Uint8Array }) => checkDetection({ results, mask }, 640, 480);
const refused = (results: unknown, pattern: RegExp) =>
  assert.throws(
    () => check(results),
    (e: Error) => e instanceof SchemaError && pattern.test(e.message),
  );

describe('the drawable schema', () => {
  it('takes every kind of drawable and passes the user’s own keys through untouched', () => {
    const given = {
      boxes: [{ x: 10, y: 20, width: 30, height: 40, label: 'cup', score: 0.8, id: 7 }],
      points: [
        { x: 1, y: 2, label: 'nose' },
        { x: 3, y: 4 },
      ],
      edges: [[0, 1]],
      lines: [
        [
          [0, 0],
          [10, 10],
          [20, 0],
        ],
      ],
      polygons: [
        [
          [0, 0],
          [10, 0],
          [5, 8],
        ],
      ],
      text: [{ x: 5, y: 5, text: 'hello' }],
      mine: { anything: [1, 'two', null] },
    };
    const { detection, results } = check(given);
    assert.deepEqual(results, given, 'the stream shows what detect() returned');
    assert.equal(detection.boxes[0].label, 'cup');
    assert.deepEqual(detection.edges, [[0, 1]]);
    assert.equal(detection.lines[0].length, 3);
    assert.equal(detection.text[0].text, 'hello');
    assert.deepEqual(check(undefined).detection.boxes, [], 'nothing found is fine');
  });

  it('refuses strings for numbers, NaN, infinities, far-off coordinates and wrong shapes, saying where', () => {
    refused({ boxes: [{ x: '10', y: 0, width: 1, height: 1 }] }, /boxes\[0\]\.x is the string "10"/);
    refused({ boxes: [{ x: 0, y: NaN, width: 1, height: 1 }] }, /boxes\[0\]\.y is NaN/);
    refused({ points: [{ x: Infinity, y: 0 }] }, /points\[0\]\.x is Infinity/);
    refused({ boxes: [{ x: 1e7, y: 0, width: 1, height: 1 }] }, /far outside the 640x480 picture/);
    refused({ boxes: [{ x: 0, y: 0, width: -5, height: 1 }] }, /negative width/);
    refused({ boxes: { x: 0 } }, /boxes must be a list/);
    refused({ edges: [[0, 5]], points: [{ x: 0, y: 0 }] }, /edges\[0\] must be a pair of indices/);
    refused({ lines: [[[0, 0]]] }, /lines\[0\] must be a list of at least 2/);
    refused({ text: [{ x: 0, y: 0, text: 5 }] }, /text\[0\]\.text must be a string/);
    refused({ boxes: [{ x: 0, y: 0, width: 1, height: 1, score: 'high' }] }, /score/);
    refused([1, 2], /must return a dict/);
    refused('boxes', /must return a dict/);
  });

  it('refuses too many items rather than drawing a million points', () => {
    refused({ points: Array.from({ length: 20_001 }, () => ({ x: 0, y: 0 })) }, /points has 20001 items: at most 20000/);
  });

  it('a mask is HxW bytes, at most ~2.5 MP, and the stream shows its size only', () => {
    const mask = { width: 4, height: 3, data: new Uint8Array(12) };
    const { detection, results } = check({ count: 1 }, mask);
    assert.equal(detection.mask, mask);
    assert.deepEqual(results, { count: 1, mask: { width: 4, height: 3 } });
    assert.throws(() => check({}, { width: 4, height: 3, data: new Uint8Array(11) }), /4x3 uint8 values \(got 11 bytes\)/);
    assert.throws(() => check({}, { width: 3840, height: 2160, data: new Uint8Array(0) }), /3840x2160: at most 2500000 pixels/);
  });
});
