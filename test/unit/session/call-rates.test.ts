import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateMeter } from '../../../electron/core/session/call-rates.js';
import type { SessionInfo } from '../../../electron/core/session/session-info.js';

const info = (framesReceived: number, framesSent: number, forwarding = false) =>
  ({
    framesReceived,
    framesSent,
    forwarding,
    network: { receivedBps: 1_000_000, sentBps: 800_000, rttMs: 12, lossInPct: 0.5, lossOutPct: null },
    stats: { timings: { decodeMs: 1, transformMs: 2, encodeMs: 3 } },
  }) as unknown as SessionInfo;

describe('RateMeter', () => {
  it('frames per second from the counters over the time between samples; the rest as the info has it', () => {
    const meter = new RateMeter();
    const first = meter.sample(info(100, 90), 10_000);
    assert.equal(first.fpsIn, 0, 'nothing to compare the first sample with');
    const second = meter.sample(info(130, 114), 11_000);
    assert.equal(second.fpsIn, 30);
    assert.equal(second.fpsOut, 24);
    const third = meter.sample(info(145, 129), 11_500);
    assert.equal(third.fpsIn, 30, 'per second, not per sample');
    assert.deepEqual(
      [third.bpsIn, third.bpsOut, third.msPerFrame, third.rttMs, third.lossInPct, third.lossOutPct, third.modelFps],
      [1_000_000, 800_000, 6, 12, 0.5, null, null],
    );
  });

  it('no processing time while the camera’s own packets go back', () => {
    assert.equal(new RateMeter().sample(info(1, 1, true), 1).msPerFrame, null);
  });
});
