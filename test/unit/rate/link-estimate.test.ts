import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecvDelta, RtcpHeader, RtcpPacketConverter, RtcpTransportLayerFeedback, StatusVectorChunk, TransportWideCC } from 'werift';
import { feedbackResults, type PacketFeedback } from '../../../electron/core/rate/feedback-results.js';
import { LinkEstimator, START_BPS } from '../../../electron/core/rate/link-estimate.js';
import { TwccFeedback } from '../../../electron/core/receive/twcc-feedback.js';

const PACKET_BYTES = 1200;

interface Link {
  /** Bottleneck capacity in bits/s at a given time (ms). */
  capacity: (atMs: number) => number;
  lossRate?: number;
  propagationMs?: number;
}

/**
 * A sender whose encoder produces exactly the estimate (30 frames/s, paced into 1200-byte packets)
 * through a bottleneck queue; the receiver reports arrivals every 50 ms, as Chrome does.
 * Returns the estimate and the queuing delay over time.
 */
function simulate(link: Link, seconds: number) {
  let now = 0;
  const estimator = new LinkEstimator(() => now);
  let seq = 0;
  let budget = 0;
  let queueFreeAt = 0;
  const pending: PacketFeedback[] = [];
  let lastFeedback = 0;
  let random = 42;
  const rand = () => (random = (random * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const trace: { atMs: number; bps: number; delayMs: number }[] = [];
  for (let frame = 0; frame < seconds * 30; frame++) {
    now = (frame * 1000) / 30;
    budget += estimator.bps / 8 / 30;
    let delayMs = 0;
    for (; budget >= PACKET_BYTES; budget -= PACKET_BYTES) {
      const s = seq++ & 0xffff;
      estimator.packetSent(s, PACKET_BYTES);
      const departs = Math.max(now, queueFreeAt) + (PACKET_BYTES * 8 * 1000) / link.capacity(now);
      queueFreeAt = departs;
      delayMs = departs - now;
      const lost = link.lossRate !== undefined && rand() < link.lossRate;
      pending.push({ seq: s, arrivalMs: lost ? undefined : departs + (link.propagationMs ?? 20) });
    }
    // Feedback leaves the receiver every 50 ms and takes the propagation time back.
    if (now - lastFeedback >= 50) {
      const ready = pending.filter((p) => p.arrivalMs === undefined || p.arrivalMs <= now);
      const cut = ready.length && pending.indexOf(ready[ready.length - 1]) + 1;
      if (cut) estimator.onFeedback(pending.splice(0, cut));
      lastFeedback = now;
    }
    trace.push({ atMs: now, bps: estimator.bps, delayMs });
  }
  return trace;
}

const at = (trace: ReturnType<typeof simulate>, seconds: number) => trace.filter((t) => t.atMs <= seconds * 1000).at(-1)!;

describe('LinkEstimator (GCC on the browser feedback)', () => {
  it('starts high, then settles under a 1 Mbps bottleneck and keeps its queue short', () => {
    const trace = simulate({ capacity: () => 1_000_000 }, 20);
    assert.equal(trace[0].bps, START_BPS);
    const late = trace.filter((t) => t.atMs > 10_000);
    const meanBps = late.reduce((s, t) => s + t.bps, 0) / late.length;
    const worstDelay = Math.max(...late.map((t) => t.delayMs));
    assert.ok(meanBps > 500_000 && meanBps < 1_100_000, `mean estimate ${Math.round(meanBps / 1000)} kbps`);
    assert.ok(worstDelay < 300, `queuing delay up to ${Math.round(worstDelay)} ms`);
  });

  it('climbs again when the link gets faster', () => {
    const trace = simulate({ capacity: (ms) => (ms < 10_000 ? 700_000 : 5_000_000) }, 40);
    const before = at(trace, 10).bps;
    const after = at(trace, 40).bps;
    assert.ok(before < 800_000, `${before} on a 700 kbps link`);
    assert.ok(after > 2 * before, `only ${after} after 30 s on a 5 Mbps link`);
  });

  it('comes down under heavy loss even when delay does not rise', () => {
    const trace = simulate({ capacity: () => 50_000_000, lossRate: 0.25 }, 10);
    assert.ok(at(trace, 10).bps < START_BPS / 3, `${at(trace, 10).bps} with 25 % loss`);
  });

  it('holds on a clean fast link', () => {
    const trace = simulate({ capacity: () => 50_000_000, lossRate: 0.005 }, 10);
    assert.ok(at(trace, 10).bps >= START_BPS * 0.95);
  });

  it('is capped by the browser REMB when one arrives', () => {
    let now = 0;
    const estimator = new LinkEstimator(() => now);
    estimator.onRemb(400_000);
    assert.equal(estimator.bps, 400_000);
    now = 10_000;
    assert.equal(estimator.bps, START_BPS, 'a REMB that stopped coming no longer caps');
  });
});

describe('feedbackResults', () => {
  it('reads every packet of a transport-cc packet, lost ones included, with sub-millisecond arrivals', () => {
    let nowUs = 0;
    const sent: RtcpTransportLayerFeedback[] = [];
    const twcc = new TwccFeedback(
      (p) => sent.push(p),
      1,
      () => 2,
      () => nowUs,
    );
    const arrivals: [number, number][] = [
      [65534, 640_000],
      [65535, 640_250],
      [1, 641_000],
      [2, 700_500],
    ];
    for (const [seq, us] of arrivals) {
      nowUs = us;
      twcc.handleTWCC(seq);
    }
    twcc.flush();
    twcc.stop();
    const [parsed] = RtcpPacketConverter.deSerialize(Buffer.concat(sent.map((p) => p.serialize())));
    const results = feedbackResults((parsed as RtcpTransportLayerFeedback).feedback as TransportWideCC);
    assert.deepEqual(results, [
      { seq: 65534, arrivalMs: 640 },
      { seq: 65535, arrivalMs: 640.25 },
      { seq: 0 },
      { seq: 1, arrivalMs: 641 },
      { seq: 2, arrivalMs: 700.5 },
    ]);
  });

  it("reads status-vector chunks (what Chrome sends), which werift's packetResults skips", () => {
    const deltas = [1000, -1000, 500, 250];
    const feedback = new TransportWideCC({
      senderSsrc: 1,
      mediaSourceSsrc: 2,
      baseSequenceNumber: 100,
      packetStatusCount: 7,
      referenceTime: 2,
      fbPktCount: 0,
      packetChunks: [new StatusVectorChunk({ type: 1, symbolSize: 1, symbolList: [1, 0, 2, 1, 0, 0, 1] })],
      recvDeltas: deltas.map((delta) => new RecvDelta({ delta, type: delta >= 0 && delta < 64_000 ? 1 : 2 })),
      header: new RtcpHeader({ type: 205, count: TransportWideCC.count, version: 2, padding: true }),
    });
    const [parsed] = RtcpPacketConverter.deSerialize(new RtcpTransportLayerFeedback({ feedback }).serialize());
    const results = feedbackResults((parsed as RtcpTransportLayerFeedback).feedback as TransportWideCC);
    assert.deepEqual(results, [
      { seq: 100, arrivalMs: 129 },
      { seq: 101 },
      { seq: 102, arrivalMs: 128 },
      { seq: 103, arrivalMs: 128.5 },
      { seq: 104 },
      { seq: 105 },
      { seq: 106, arrivalMs: 128.75 },
    ]);
  });
});
