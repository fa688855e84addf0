import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkScale } from '../../../electron/core/rate/link-scale.js';

/**
 * A simulated camera at 30 fps (or a filter that hands over `fps` frames a second) and an encoder
 * whose rate control spreads the link's rate over the frames it gets: content that
 * needs `bitsPerPixel` at the coarsest quantiser. When that fits the target, it fills the target
 * (rate control), its quantiser the finer the more room there is; when not, the frame is as big as
 * it must be at the coarsest quantiser. The budget (EncoderRate's token bucket) skips what the link cannot carry.
 */
function simulate(
  scale: LinkScale,
  clock: { now: number },
  seconds: number,
  link: number | ((ms: number) => number),
  bitsPerPixel: number,
  camera = { width: 640, height: 480 },
  fps = 30,
) {
  let budget = 0;
  let sent = 0;
  for (let i = 0; i < seconds * fps; i++) {
    clock.now += 1000 / fps;
    const linkRate = typeof link === 'number' ? link : link(clock.now);
    budget = Math.min(linkRate / 2, budget + linkRate / fps);
    const { width, height } = scale.size(camera.width, camera.height);
    scale.frameReady();
    if (budget <= 0) {
      continue;
    }
    const needed = width * height * bitsPerPixel;
    const target = linkRate / fps;
    const [bits, quantiser] = needed >= target ? [needed, 1] : [target, needed / target];
    budget = Math.max(-linkRate, budget - bits); // as EncoderRate.spent: a debt of at most a second
    sent++;
    scale.interFrame(bits, quantiser, linkRate);
  }
  return { fps: sent / seconds, ...scale.size(camera.width, camera.height) };
}

describe('LinkScale', () => {
  it('keeps the camera size when the link carries every frame', () => {
    const clock = { now: 0 };
    const scale = new LinkScale(() => clock.now);
    // 640x480 at 0.05 bit/pixel, 30 fps: 460 kbps on a 2 Mbps link.
    assert.deepEqual(simulate(scale, clock, 20, 2_000_000, 0.05), { fps: 30, width: 640, height: 480 });
  });

  it('scales down until every frame fits a slow link, instead of skipping most of them', () => {
    const clock = { now: 0 };
    const scale = new LinkScale(() => clock.now);
    // Dense output: 640x480 at 0.3 bit/pixel needs 2.8 Mbps; the link carries 300 kbps (~3 fps at full size).
    simulate(scale, clock, 20, 300_000, 0.3);
    const settled = simulate(scale, clock, 10, 300_000, 0.3);
    assert.ok(settled.width < 640 && settled.width % 2 === 0 && settled.height % 2 === 0, `scaled to ${settled.width}x${settled.height}`);
    assert.ok(settled.fps >= 20, `${settled.fps} fps at ${settled.width}x${settled.height}`);
  });

  it('comes back to full size when the link gets faster, and reset() returns at once', () => {
    const clock = { now: 0 };
    const scale = new LinkScale(() => clock.now);
    simulate(scale, clock, 20, 300_000, 0.3);
    assert.ok(scale.factor < 1);
    assert.deepEqual(simulate(scale, clock, 40, 20_000_000, 0.3).width, 640);
    simulate(scale, clock, 20, 300_000, 0.3);
    assert.ok(scale.factor < 1);
    scale.reset();
    assert.deepEqual(scale.size(640, 480), { width: 640, height: 480 });
  });

  it('waits while the send-side estimate is still ramping up (8 %/s from its start)', () => {
    const clock = { now: 0 };
    const scale = new LinkScale(() => clock.now);
    // 640x480 at 0.3 bit/pixel needs 2.8 Mbps; the estimate starts at 1 Mbps and gets there in ~13 s.
    const { width } = simulate(scale, clock, 20, (ms) => Math.min(4_000_000, 1_000_000 * 1.08 ** (ms / 1000)), 0.3);
    assert.equal(width, 640);
  });

  it('keeps the size when the filter, not the link, limits the frame rate', () => {
    const clock = { now: 0 };
    const scale = new LinkScale(() => clock.now);
    // A 720p filter at 15 fps on a 2.5 Mbps link: rate control makes each frame link / 15, twice
    // what 30 fps would get; those frames fit the link at the rate they come.
    const result = simulate(scale, clock, 30, 2_500_000, 0.05, { width: 1280, height: 720 }, 15);
    assert.deepEqual(result, { fps: 15, width: 1280, height: 720 });
  });

  it('keeps the size while a finely quantised encoder is late to follow a falling estimate', () => {
    const clock = { now: 0 };
    const scale = new LinkScale(() => clock.now);
    // Over the link by 2x, but at a fine quantiser: the encoder is reopened at the new target soon, no reason to shrink.
    for (let i = 0; i < 300; i++) {
      clock.now += 1000 / 30;
      scale.frameReady();
      scale.interFrame(20_000, 0.25, 300_000);
    }
    assert.deepEqual(scale.size(640, 480), { width: 640, height: 480 });
    // The same frames at a coarse quantiser: the encoder cannot hold the link, the picture shrinks.
    for (let i = 0; i < 300; i++) {
      clock.now += 1000 / 30;
      scale.frameReady();
      scale.interFrame(20_000, 0.9, 300_000);
    }
    assert.ok(scale.size(640, 480).width < 640);
  });

  it('never goes below a quarter of the size', () => {
    const clock = { now: 0 };
    const scale = new LinkScale(() => clock.now);
    const { width, height } = simulate(scale, clock, 120, 10_000, 1);
    assert.deepEqual({ width, height }, { width: 160, height: 120 });
  });
});
