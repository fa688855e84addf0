import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../../electron/core/base/http-error.js';
import { Admission } from '../../../electron/core/session/admission.js';
import { LoadMeter, shareOf, type LoadReading } from '../../../electron/core/session/load-meter.js';
import type { Sessions } from '../../../electron/core/session/sessions.js';

/** `count` live cameras (their frames counted by the meter under test, not here). */
function sessionsOf(count: number) {
  const list = Array.from({ length: count }, (_, i) => ({
    id: `s${i}`,
    everConnected: true,
    createdAt: 0,
    remoteAddress: '192.0.2.9',
    info: () => ({ framesSent: 0 }),
  }));
  return { list: () => list, add: () => list.push({ ...list[0]!, id: `s${list.length}` }) };
}

const meterReading = (reading: LoadReading | undefined) => ({ reading, start() {}, stop() {} });
/** Two cores, CamLoop using `ownMs` of them and returning `fps` frames a second; the machine idle for `idleMs`. */
const machine = (ownMs: number, idleMs: number, fps: number): LoadReading => ({ cores: 2, ownMs, idleMs, returnedFps: fps });

function refusal(admission: Admission): HttpError | undefined {
  try {
    admission.admit('192.0.2.1');
    return undefined;
  } catch (error) {
    return error as HttpError;
  }
}

describe("each camera's share of the machine", () => {
  it('is the CPU CamLoop can have (its own and the idle) at the cost per frame it measured, split evenly, at most 30 fps', () => {
    // 1600 ms/s for 160 frames: 10 ms a frame; 1600 + 200 idle = the 90 % of 2 cores usable: 180 frames/s.
    const share = shareOf(machine(1600, 200, 160), 30);
    assert.equal(share.msPerFrame, 10);
    assert.equal(share.capacityFps, 180);
    assert.equal(share.fps, 6);
    assert.equal(shareOf(machine(100, 1700, 40), 2).fps, 30, 'not more than a camera sends');
  });

  it('counts only what the machine leaves idle: other programs busy leave less (never under a quarter of it)', () => {
    assert.ok(shareOf(machine(600, 200, 60), 8).fps < shareOf(machine(600, 1200, 60), 8).fps);
    assert.equal(shareOf(machine(0, 0, 0), 1).capacityFps, 500 / 10);
  });

  it('uses a prior cost per frame until enough frames were returned to measure one', () => {
    assert.equal(shareOf(undefined, 1).msPerFrame, 10);
    assert.equal(shareOf(machine(50, 1750, 5), 1).msPerFrame, 10);
  });
});

describe('Admission by measured headroom', () => {
  it('admits while every camera would keep a useful frame rate, then refuses with a 503, Retry-After and the reason', () => {
    const sessions = sessionsOf(20);
    // Saturated: 1800 ms/s of CPU, no idle, 180 frames/s returned to 20 cameras (9 fps each).
    const admission = new Admission(sessions as unknown as Sessions, { meter: meterReading(machine(1800, 0, 180)), minFps: 5 });
    for (let n = 20; n < 36; n++) {
      assert.equal(refusal(admission), undefined, `camera ${n + 1} admitted (${(180 / (n + 1)).toFixed(1)} fps each)`);
      sessions.add();
    }
    const refused = refusal(admission)!;
    assert.equal(refused.status, 503);
    assert.equal(refused.headers?.['Retry-After'], '10');
    assert.match(
      refused.message,
      /at this machine's capacity: with one more camera, each of 37 would get 4\.9 frames per second .* under the 5/,
    );
    assert.deepEqual(
      admission.info.refusals.map((r) => r.reason),
      [refused.message],
      'kept for the panel',
    );
  });

  it('refuses sooner when CamLoop costs more per frame, and always admits the first camera', () => {
    const cheap = new Admission(sessionsOf(16) as unknown as Sessions, { meter: meterReading(machine(800, 1000, 160)) });
    const dear = new Admission(sessionsOf(16) as unknown as Sessions, { meter: meterReading(machine(1600, 200, 40)) });
    assert.equal(refusal(cheap), undefined);
    assert.equal(refusal(dear)?.status, 503);
    const none = new Admission(sessionsOf(0) as unknown as Sessions, { meter: meterReading(machine(0, 0, 0)), minFps: 30 });
    assert.equal(refusal(none), undefined);
  });

  it('keeps a ceiling on live cameras when one is given', () => {
    const admission = new Admission(sessionsOf(1) as unknown as Sessions, { maxLive: 1, meter: meterReading(undefined) });
    assert.match(refusal(admission)!.message, /maximum of 1 cameras/);
  });
});

describe('LoadMeter', () => {
  it('counts frames returned per camera: one that leaves does not take its frames with it', async () => {
    let frames = new Map([
      ['a', 100],
      ['b', 50],
    ]);
    const meter = new LoadMeter(() => frames);
    meter.start(60_000);
    await new Promise((r) => setTimeout(r, 100));
    frames = new Map([['a', 110]]);
    (meter as unknown as { sample(): void }).sample();
    const reading = meter.reading!;
    meter.stop();
    assert.ok(reading.returnedFps > 50 && reading.returnedFps < 110, `${reading.returnedFps} (10 frames in ~0.1 s)`);
    assert.ok(reading.ownMs >= 0 && reading.idleMs >= 0);
  });
});
