import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bitrateBounds, EncoderRate } from '../../../electron/core/rate/encoder-rate.js';

describe('EncoderRate', () => {
  it('runs at the estimate, between the floor and the ceiling of the picture size, under the user cap', () => {
    const rate = new EncoderRate(() => 0);
    const { floor, ceiling } = bitrateBounds(640, 480);
    assert.deepEqual([floor, ceiling], [138_240, 921_600]);
    assert.equal(rate.desired(640, 480), ceiling, 'no feedback yet: the ceiling');
    rate.settings = { estimate: 700_000 };
    assert.equal(rate.desired(640, 480), 700_000);
    rate.settings = { estimate: 10_000_000 };
    assert.equal(rate.desired(640, 480), ceiling);
    assert.equal(rate.desired(1280, 720), bitrateBounds(1280, 720).ceiling);
    rate.settings = { estimate: 10_000 };
    assert.equal(rate.desired(640, 480), floor);
    rate.settings = { estimate: 10_000_000, cap: 250_000 };
    assert.equal(rate.desired(640, 480), 250_000);
    rate.settings = { estimate: 10_000, cap: 120_000 };
    assert.equal(rate.desired(640, 480), 120_000, 'a cap under the floor wins');
  });

  it('reopens the encoder for big drops at once, for other moves only after a while, never for small ones', () => {
    let now = 0;
    const rate = new EncoderRate(() => now);
    assert.ok(rate.shouldChange(1_000_000), 'no encoder yet');
    rate.opened(1_000_000);
    now = 100;
    assert.ok(!rate.shouldChange(400_000), 'not twice within half a second');
    now = 600;
    assert.ok(rate.shouldChange(400_000), 'a big drop after half a second');
    assert.ok(!rate.shouldChange(1_400_000), 'a rise waits 2 s');
    now = 2100;
    assert.ok(rate.shouldChange(1_400_000));
    assert.ok(!rate.shouldChange(1_100_000), 'within 25 %: keep the encoder');
  });

  it('skips frames when the encoder overshoots what the link or the cap allows', () => {
    let now = 0;
    const rate = new EncoderRate(() => now);
    const sendFor = (seconds: number, frameBytes: number) => {
      let sent = 0;
      for (let i = 0; i < seconds * 30; i++, now += 1000 / 30) {
        if (!rate.mayEncode()) continue;
        rate.spent(frameBytes);
        sent += frameBytes * 8;
      }
      return sent / seconds;
    };
    assert.equal(sendFor(2, 4000), 960_000, 'no estimate and no cap: every frame');
    rate.settings = { estimate: 2_000_000, cap: 300_000 };
    const capped = sendFor(10, 4000);
    assert.ok(capped <= 300_000 * 1.1 && capped > 250_000, `capped at 300 kbps: ${capped} bps`);
    rate.settings = { estimate: 600_000 };
    const estimated = sendFor(10, 4000);
    assert.ok(estimated <= 660_000 && estimated > 500_000, `estimate 600 kbps: ${estimated} bps`);
  });
});
