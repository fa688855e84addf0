import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtcpPacketConverter, RtcpTransportLayerFeedback, TransportWideCC } from 'werift';
import { TwccFeedback } from '../../../electron/core/receive/twcc-feedback.js';

function feedbackWith(arrivals: [number, number][]) {
  let now = 0;
  const sent: RtcpTransportLayerFeedback[] = [];
  const twcc = new TwccFeedback(
    (p) => sent.push(p),
    1111,
    () => 2222,
    () => now,
  );
  for (const [seq, atUs] of arrivals) {
    now = atUs;
    twcc.handleTWCC(seq);
  }
  twcc.flush();
  twcc.stop();
  // Round-trip through werift's own parser, as the browser would read it.
  const [parsed] = RtcpPacketConverter.deSerialize(Buffer.concat(sent.map((p) => p.serialize())));
  return (parsed as RtcpTransportLayerFeedback).feedback as TransportWideCC;
}

describe('TwccFeedback', () => {
  it('reports arrival deltas exactly, in 250 us ticks from a 64 ms reference', () => {
    const start = 10 * 64_000 + 12_345;
    const fb = feedbackWith([
      [100, start],
      [101, start + 1_000],
      [102, start + 1_250],
      [103, start + 40_000],
    ]);
    assert.equal(fb.baseSequenceNumber, 100);
    assert.equal(fb.packetStatusCount, 4);
    assert.equal(fb.referenceTime, 10);
    // werift's parser gives deltas back in microseconds: whole 250 us ticks, no drift.
    assert.deepEqual(
      fb.recvDeltas.map((d) => d.delta),
      [Math.round(12_345 / 250) * 250, 1000, 250, 38_750],
    );
    assert.equal(fb.senderSsrc, 1111);
  });

  it('marks missing packets as not received and uses large deltas for reordering', () => {
    const t = 64_000 * 3;
    const fb = feedbackWith([
      [10, t],
      [13, t + 500],
      [12, t + 750],
    ]);
    assert.equal(fb.packetStatusCount, 4);
    assert.deepEqual(
      fb.packetChunks.map((c) => (c as { packetStatus: number }).packetStatus),
      [1, 0, 1, 2],
    );
    assert.deepEqual(
      fb.recvDeltas.map((d) => d.delta),
      [0, 750, -250],
    );
  });

  it('follows sequence numbers across the 16-bit wrap', () => {
    const t = 64_000;
    const fb = feedbackWith([
      [65534, t],
      [65535, t + 250],
      [0, t + 500],
      [1, t + 750],
    ]);
    assert.equal(fb.baseSequenceNumber, 65534);
    assert.equal(fb.packetStatusCount, 4);
    assert.deepEqual(
      fb.recvDeltas.map((d) => d.delta),
      [0, 250, 250, 250],
    );
  });
});
