import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameShare, MIN_SEND_FPS, sendFpsFor } from '../../../electron/core/session/frame-share.js';
import type { LoadReading } from '../../../electron/core/session/load-meter.js';

/** Two cores, CamLoop using `ownMs` of them and returning `fps` frames a second; the machine idle for `idleMs`. */
const machine = (ownMs: number, idleMs: number, fps: number): LoadReading => ({ cores: 2, ownMs, idleMs, returnedFps: fps });

describe('the frame rate each camera is asked for', () => {
  it('is its share with a fifth of headroom, never under the floor, no limit once it reaches what a camera sends', () => {
    assert.equal(sendFpsFor(5), 6);
    assert.equal(sendFpsFor(10.4), 12);
    assert.equal(sendFpsFor(0.5), MIN_SEND_FPS);
    assert.equal(sendFpsFor(24), 29);
    assert.equal(sendFpsFor(25), null, '30 fps or more: the camera sends what it has');
  });

  it('follows the machine: 30 cameras on a saturated machine at 12.5 ms a frame get 4.8 fps each, asked for 6', () => {
    // 1800 ms/s of CPU (the 90 % of 2 cores usable) at 12.5 ms a returned frame: 144 frames/s for 30.
    let reading: LoadReading | undefined = machine(1800, 0, 144);
    const share = new FrameShare(() => reading);
    assert.equal(share.update(30), 6);
    assert.equal(share.update(1), null, 'one camera alone has the machine');
    assert.equal(share.update(0), null, 'no camera, no limit (and what was measured is forgotten)');
    // Before anything is measured: the prior cost (10 ms a frame) over the idle machine.
    reading = undefined;
    assert.equal(share.update(30), 7);
  });

  it('changes at once with the number of cameras, and smooths what is measured', () => {
    let reading = machine(1800, 0, 144);
    const share = new FrameShare(() => reading);
    assert.equal(share.update(10), 17, '14.4 fps each, asked for 17');
    assert.equal(share.update(20), 9, 'twice as many cameras: half the share, at once');
    assert.equal(share.update(10), 17);
    // Frames got dearer (18 ms each: 100 frames/s): the share falls half the way each second.
    reading = machine(1800, 0, 100);
    const down = Array.from({ length: 8 }, () => share.update(10));
    assert.ok(down[0]! < 17 && down[0]! > 12, `the first step is part of the way (${down.join(', ')})`);
    assert.equal(down.at(-1), 12, `then the new share: 10 fps each, asked for 12 (${down.join(', ')})`);
    // Cheaper again: it rises half the way each second, without swinging past.
    reading = machine(1800, 0, 144);
    const up = Array.from({ length: 12 }, () => share.update(10));
    assert.ok(up[0]! < 17 && up[0]! > 12, `part of the way first (${up.join(', ')})`);
    assert.equal(up.at(-1), 17, up.join(', '));
    for (const [i, fps] of up.entries()) assert.ok(i === 0 || fps! >= up[i - 1]!, `never back and forth (${up.join(', ')})`);
  });
});
