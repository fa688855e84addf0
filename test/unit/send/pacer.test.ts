import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BURST_MS, KEYFRAME_QUEUE_MS, Pacer, PACING_FACTOR, type Clock } from '../../../electron/core/send/pacer.js';

/** A clock the test moves: timers fire when it passes their time. */
class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t !== handle);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}

function paced(targetBps: number) {
  const clock = new FakeClock();
  const sent: { packet: number; at: number }[] = [];
  const pacer = new Pacer<number>(
    (packet) => sent.push({ packet, at: clock.now() }),
    () => 1250,
    clock,
  );
  pacer.setLinkRate(targetBps);
  return { clock, sent, pacer };
}

describe('Pacer', () => {
  it('sends a burst of 40 ms of its rate at once, and spreads the rest of a large frame at 2.5x the link', () => {
    const { clock, sent, pacer } = paced(1_000_000);
    pacer.enqueue(
      Array.from({ length: 25 }, (_, i) => i),
      KEYFRAME_QUEUE_MS,
    ); // 31 KB: a dense 640x480 keyframe
    // 40 ms at 2.5 Mbps: 12.5 KB, 10 packets of 1250 bytes (the 11th starts within the budget).
    const burst = Math.ceil((BURST_MS * 1_000_000 * PACING_FACTOR) / 8 / 1000 / 1250);
    assert.ok(sent.length >= burst && sent.length <= burst + 1, `at once: ${sent.length}, burst ${burst}`);
    assert.ok(sent.length < 25, 'not the whole frame');
    clock.advance(200);
    assert.equal(sent.length, 25);
    // The rest: 1250 bytes at 2.5 Mbps, 4 ms apart; the frame takes ~60 ms, under a 200 ms router queue.
    const spread = sent.slice(burst + 1);
    const spacing = (spread.at(-1)!.at - spread[0]!.at) / (spread.length - 1);
    assert.ok(Math.abs(spacing - (1250 * 8 * 1000) / (1_000_000 * PACING_FACTOR)) < 0.01, `spacing ${spacing} ms`);
    assert.deepEqual(
      sent.map((s) => s.packet),
      [...Array(25).keys()],
      'in order',
    );
  });

  it("sends a keyframe of the encoder's largest size at once (3 frames' share of the link at 30 fps)", () => {
    const { sent, pacer } = paced(2_000_000);
    // 11 KB: a 640x480 keyframe on a 2 Mbps estimate. Spread over 18 ms, it made the browser buffer every frame longer.
    pacer.enqueue(
      Array.from({ length: 9 }, (_, i) => i),
      KEYFRAME_QUEUE_MS,
    );
    assert.equal(sent.length, 9);
  });

  it('lets a stream under its rate through without delay', () => {
    const { clock, sent, pacer } = paced(2_000_000);
    // 300 kbps of forwarded packets, one every 33 ms.
    for (let i = 0; i < 30; i++) {
      pacer.enqueue([i]);
      assert.equal(sent.at(-1)!.at, clock.now(), 'sent as it came');
      clock.advance(33);
    }
  });

  it('never holds a keyframe more than 250 ms, another frame more than 40 ms: over its target, it drains faster', () => {
    const { clock, sent, pacer } = paced(100_000);
    pacer.enqueue(
      Array.from({ length: 100 }, (_, i) => i),
      KEYFRAME_QUEUE_MS,
    ); // 1 Mbit queued at a 250 kbps pace: 4 s
    // Drained at 4 Mbps instead: a 40 ms burst (20 KB) at once, the rest 2.5 ms apart, the last at ~207 ms.
    clock.advance(200);
    assert.ok(sent.length < 100, 'still paced');
    clock.advance(50);
    assert.equal(sent.length, 100, 'all within 250 ms');
    // A dense inter frame (50 KB at a 1 Mbps target: 160 ms at 2.5 Mbps) goes within 40 ms.
    const dense = paced(1_000_000);
    dense.pacer.enqueue(Array.from({ length: 40 }, (_, i) => i));
    dense.clock.advance(41);
    assert.equal(dense.sent.length, 40);
  });

  it('flush sends everything at once (a switch of source); stop drops the queue', () => {
    const { clock, sent, pacer } = paced(1_000_000);
    pacer.enqueue([1, 2, 3, 4, 5, 6, 7, 8]);
    pacer.flush();
    assert.equal(sent.length, 8);
    pacer.enqueue([9, 10, 11, 12, 13, 14, 15, 16]);
    const before = sent.length;
    pacer.stop();
    clock.advance(1000);
    assert.ok(sent.length < 16 && sent.length === before);
  });
});
