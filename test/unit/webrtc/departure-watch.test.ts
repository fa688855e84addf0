import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DepartureWatch, receivedFromPeer } from '../../../electron/core/webrtc/departure-watch.js';

describe('DepartureWatch', () => {
  /** Samples once a second from `from` to `to` (ms) with the count `count(t)`; the first time the watch says gone. */
  const goneAt = (watch: DepartureWatch, count: (t: number) => number, from: number, to: number) => {
    for (let t = from; t <= to; t += 1000) if (watch.sample(count(t), t)) return t;
    return undefined;
  };

  it('a peer is gone once nothing has come for the quiet time; anything that comes starts it again', () => {
    const watch = new DepartureWatch(4000);
    // Packets until t = 3 s, one more at 5 s, then nothing.
    const count = (t: number) => (t <= 3000 ? t / 10 : t < 5000 ? 300 : 301);
    assert.equal(goneAt(watch, count, 0, 20_000), 9000, '4 s after the last packet (at 5 s)');
  });

  it('holds a quiet peer that asked for an ICE restart until the hold ends (its new path may take seconds)', () => {
    const watch = new DepartureWatch(4000);
    // Packets until 3 s; the phone's restart request at 4 s holds it 15 s.
    const count = (t: number) => (t <= 3000 ? t / 10 : 300);
    for (let t = 0; t <= 4000; t += 1000) watch.sample(count(t), t);
    watch.hold(4000 + 15_000);
    assert.equal(goneAt(watch, count, 5000, 30_000), 19_000, 'gone when the hold ends, not 4 s after the last packet');
  });

  it('judges nothing across a stall of our own event loop (unread packets may be waiting)', () => {
    const watch = new DepartureWatch(4000);
    assert.equal(
      goneAt(watch, () => 5, 0, 2000),
      undefined,
    );
    assert.equal(watch.sample(5, 8000), false, 'a sample 6 s late restarts the window, though 8 s passed');
    assert.equal(
      goneAt(watch, () => 5, 9000, 20_000),
      12_000,
    );
  });

  it("counts the transport's packets and every candidate pair's ICE requests and responses, nothing else", () => {
    const report = [
      { type: 'transport', packetsReceived: 1000 },
      // A pair's own packet count covers only the socket werift nominated: not read.
      { type: 'candidate-pair', packetsReceived: 100, requestsReceived: 3, responsesReceived: 2 },
      { type: 'candidate-pair', packetsReceived: 0, requestsReceived: 1 },
      { type: 'inbound-rtp', packetsReceived: 5000 },
    ];
    assert.equal(receivedFromPeer(report), 1006);
  });
});
