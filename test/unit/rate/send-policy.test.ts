import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bitrateBounds } from '../../../electron/core/rate/encoder-rate.js';
import { SendPolicy } from '../../../electron/core/rate/send-policy.js';

/** A camera at 30 fps whose frames need `bitsPerPixel` at the coarsest quantiser (dense edge maps: ~0.6). */
function run(policy: SendPolicy, clock: { now: number }, seconds: number, bitsPerPixel: number) {
  let sent = 0;
  let plan = policy.plan(640, 480, false);
  for (let i = 0; i < seconds * 30; i++) {
    clock.now += 1000 / 30;
    if (!policy.mayEncode(false)) continue;
    plan = policy.plan(640, 480, false);
    const bits = Math.max(plan.width * plan.height * bitsPerPixel, plan.bitrate / 30);
    policy.encoded(bits / 8, false, bits > plan.bitrate / 30 ? 1 : 0.5);
    sent++;
  }
  return { sent, plan };
}

describe('SendPolicy: how much to send and at what size', () => {
  it("opens the encoder at the camera's size and the bitrate the link allows, and keeps it while nothing moves", () => {
    const clock = { now: 0 };
    const policy = new SendPolicy(() => clock.now);
    policy.setRate({ estimate: 600_000 });
    const first = policy.plan(640, 480, true);
    assert.deepEqual(first, { width: 640, height: 480, bitrate: 600_000, reopen: true });
    clock.now += 100;
    assert.equal(policy.plan(640, 480, false).reopen, false);
    assert.equal(policy.bitrate, 600_000);
    // Without an estimate yet: the ceiling for the size.
    const fresh = new SendPolicy(() => clock.now);
    assert.equal(fresh.plan(640, 480, true).bitrate, bitrateBounds(640, 480).ceiling);
  });

  it('over the budget a frame is skipped, unless a keyframe was asked for', () => {
    const clock = { now: 0 };
    const policy = new SendPolicy(() => clock.now);
    policy.setRate({ estimate: 200_000 });
    policy.plan(640, 480, true);
    assert.equal(policy.mayEncode(false), true);
    policy.encoded((100_000 / 8) * 4, false, 1); // two seconds' worth of bits at once
    clock.now += 33;
    assert.equal(policy.mayEncode(false), false, 'the link is owed');
    assert.equal(policy.mayEncode(true), true, 'an asked-for keyframe still goes');
  });

  it('content too dense for the link: the picture is encoded smaller at full frame rate, not skipped to a slide show', () => {
    const clock = { now: 0 };
    const policy = new SendPolicy(() => clock.now);
    policy.setRate({ estimate: 500_000 });
    const { sent, plan } = run(policy, clock, 12, 0.6);
    assert.ok(plan.width < 640 && plan.height < 480, `scaled down (${plan.width}x${plan.height})`);
    assert.equal(plan.width / plan.height, 640 / 480);
    const last = run(policy, clock, 3, 0.6);
    assert.ok(last.sent > 3 * 20, `and frames flow (${last.sent} in 3 s; ${sent} in the first 12)`);
  });

  it("a recording pins the camera's size (keepSize); a link twice as fast brings it back too", () => {
    const clock = { now: 0 };
    const policy = new SendPolicy(() => clock.now);
    policy.setRate({ estimate: 500_000 });
    assert.ok(run(policy, clock, 12, 0.6).plan.width < 640);
    policy.setRate({ estimate: 500_000, keepSize: true });
    assert.equal(policy.plan(640, 480, false).width, 640, 'back to full size at once');
    assert.equal(run(policy, clock, 12, 0.6).plan.width, 640, 'and kept there');

    const other = new SendPolicy(() => clock.now);
    other.setRate({ estimate: 500_000 });
    assert.ok(run(other, clock, 12, 0.6).plan.width < 640);
    other.setRate({ estimate: 1_000_000 });
    assert.equal(other.plan(640, 480, false).width, 640, 'the cap lifted: full size again');
  });

  it('codes a scene cut again (see VideoEncoder) only where a budget would skip frames after it', () => {
    const policy = new SendPolicy(() => 0);
    policy.plan(640, 480, true);
    assert.equal(policy.recodeAbove, Infinity, 'no estimate, no cap: nothing is skipped');
    policy.setRate({ estimate: 900_000 });
    policy.plan(640, 480, true);
    assert.equal(policy.recodeAbove, (6 * 900_000) / 30, "six frames' share of the encoder's bitrate");
    // Inter frames that are all large (content too dense for the link): none of them is a cut.
    policy.encoded(60_000 / 8, true, 0.5, 200_000 / 8); // the first was recoded: it counts as an inter frame
    assert.equal(policy.recodeAbove, 4 * 200_000);
    for (let i = 0; i < 30; i++) policy.encoded(200_000 / 8, false, 1);
    assert.ok(policy.recodeAbove > 4 * 190_000, `${policy.recodeAbove}`);
  });

  describe('the worker that cannot keep up (CpuScale)', () => {
    /** 30 fps, every frame processed at `workMs` for the camera's size (less with the area when smaller), on a fast link. */
    function slowChain(policy: SendPolicy, clock: { now: number }, seconds: number, workMs: number) {
      let plan = policy.plan(640, 480, false);
      for (let i = 0; i < seconds * 30; i++) {
        if (!policy.mayEncode(false)) continue;
        plan = policy.plan(640, 480, false);
        const work = workMs * ((plan.width * plan.height) / (640 * 480));
        clock.now += 1000 / 30 + Math.max(0, work - 1000 / 30);
        policy.encoded(plan.bitrate / 30 / 8, false, 0.5);
        policy.worked(work > 1000 / 30 ? 2 : 1, 2, work);
      }
      return plan;
    }

    it('a scalable chain is sent smaller, and the stats say why', () => {
      const clock = { now: 0 };
      const policy = new SendPolicy(() => clock.now);
      policy.setRate({ estimate: 5_000_000 });
      policy.setChain(true);
      const plan = slowChain(policy, clock, 8, 50);
      assert.ok(plan.width < 640 && plan.width / plan.height === 640 / 480, `${plan.width}x${plan.height}`);
      assert.equal(policy.scaledFor, 'cpu');
      assert.equal(policy.workFactor, plan.width / 640, "a chain's own working width shrinks with it");
      policy.setChain(true);
      assert.equal(policy.plan(640, 480, false).width, 640, 'a new chain starts at full size');
    });

    it("a chain that must get the camera's picture (Python, plugins without workWidth), or a recording, is not", () => {
      const clock = { now: 0 };
      const python = new SendPolicy(() => clock.now);
      python.setRate({ estimate: 5_000_000 });
      python.setChain(false);
      assert.equal(slowChain(python, clock, 8, 50).width, 640);
      assert.equal(python.scaledFor, undefined);

      const recorded = new SendPolicy(() => clock.now);
      recorded.setRate({ estimate: 5_000_000, keepSize: true });
      recorded.setChain(true);
      assert.equal(slowChain(recorded, clock, 8, 50).width, 640);
    });

    it('the smaller of the two sizes is sent: a slow link and a slow chain', () => {
      const clock = { now: 0 };
      const policy = new SendPolicy(() => clock.now);
      policy.setRate({ estimate: 500_000 });
      policy.setChain(true);
      const linkBound = run(policy, clock, 12, 0.6).plan;
      assert.ok(linkBound.width < 640);
      assert.equal(policy.scaledFor, 'link');
      assert.equal(policy.workFactor, 1, "the link does not shrink a chain's working width below the size sent");
    });
  });
});
