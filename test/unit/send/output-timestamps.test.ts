import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputTimestamps } from '../../../electron/core/send/output-timestamps.js';

/** A camera at 30 fps: frame i is captured at RTP timestamp base + 3000 i and arrives at 33.3 i ms. */
const BASE = 1_000_000;
const ts = (i: number) => BASE + 3000 * i;

describe('OutputTimestamps', () => {
  it("moves each frame later by the time it spent here, so the browser sees our output's timing, not the camera's", () => {
    let now = 0;
    const stamps = new OutputTimestamps(() => now);
    // Processing times that vary from frame to frame (a scene cut coded twice takes 45 ms).
    const held = [12, 14, 45, 13, 12];
    const out: number[] = [];
    for (let i = 0; i < held.length; i++) {
      now = i * (1000 / 30);
      stamps.arrived(ts(i));
      now += held[i]!;
      out.push(stamps.stamp(ts(i)));
    }
    out.forEach((stamp, i) => assert.equal(stamp, ts(i) + Math.round(held[i]! * 90), `frame ${i}`));
    // What the browser's jitter estimate reads: arrival gaps minus timestamp gaps. With the camera's
    // timestamps it would be 31 ms then -32 ms around the slow frame; with ours it is 0.
    for (let i = 1; i < out.length; i++) {
      const sentGapMs = i * (1000 / 30) + held[i]! - ((i - 1) * (1000 / 30) + held[i - 1]!);
      assert.ok(Math.abs(sentGapMs - (out[i]! - out[i - 1]!) / 90) < 0.02, `frame ${i}: timestamps follow the send times`);
    }
  });

  it('frames dropped before processing are forgotten; a frame it never saw arrive keeps its timestamp', () => {
    let now = 0;
    const stamps = new OutputTimestamps(() => now);
    for (let i = 0; i < 5; i++) {
      now = i * 33;
      stamps.arrived(ts(i));
    }
    now = 4 * 33 + 10;
    // Frames 0-3 were replaced while the worker was busy; only frame 4 is processed.
    assert.equal(stamps.stamp(ts(4)), ts(4) + 900);
    assert.equal(stamps.stamp(ts(9)), ts(9), 'unknown arrival: no delay added');
  });

  it('never goes back: a frame whose stamp would fall at or before the last one goes one tick after it', () => {
    let now = 0;
    const stamps = new OutputTimestamps(() => now);
    stamps.arrived(ts(0));
    now = 100;
    const first = stamps.stamp(ts(0));
    assert.equal(first, ts(0) + 9000);
    // Frame 1 was not seen arriving: its own timestamp, ts(0) + 3000, is before the stamp above.
    assert.equal(stamps.stamp(ts(1)), first + 1);
  });

  it('wraps with RTP timestamps at 2^32', () => {
    let now = 0;
    const stamps = new OutputTimestamps(() => now);
    const near = 2 ** 32 - 450;
    stamps.arrived(near);
    now = 10;
    assert.equal(stamps.stamp(near), 450, 'wrapped past zero');
    stamps.arrived(near + 3000 - 2 ** 32);
    now = 43;
    assert.equal(stamps.stamp(near + 3000 - 2 ** 32), 2550 + 33 * 90);
  });
});
