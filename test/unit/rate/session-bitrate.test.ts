import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiverEstimatedMaxBitrate, RTP_EXTENSION_URI, RtcpPayloadSpecificFeedback, RtcpTransportLayerFeedback, RtpHeader } from 'werift';
import type { RateSettings } from '../../../electron/core/rate/encoder-rate.js';
import { START_BPS } from '../../../electron/core/rate/link-estimate.js';
import { SessionBitrate } from '../../../electron/core/rate/session-bitrate.js';
import { TwccFeedback } from '../../../electron/core/receive/twcc-feedback.js';
import { FakeSender, FakeTransport } from '../../support/fake-peer.js';

const TWCC_ID = 3;
const PACKET = Buffer.alloc(1200);
const UPDATE_MS = 250;

const open: SessionBitrate[] = [];
beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
afterEach(() => {
  open.splice(0).forEach((bitrate) => bitrate.stop());
  mock.timers.reset();
});

/** A SessionBitrate on a fake sender (transport-cc negotiated); `applied` is what the encoder was told, in order. */
function sessionBitrate(ceiling?: number) {
  const sender = new FakeSender(new FakeTransport(), [{ uri: RTP_EXTENSION_URI.transportWideCC, id: TWCC_ID }]);
  const applied: RateSettings[] = [];
  const bitrate = new SessionBitrate(sender.asSender, (settings) => applied.push(settings), ceiling);
  open.push(bitrate);
  const rtcp = sender.dtlsTransport.onRtcp;
  const remb = (bps: number) =>
    rtcp.execute(new RtcpPayloadSpecificFeedback({ feedback: new ReceiverEstimatedMaxBitrate({ bitrate: BigInt(bps) }) }));
  /** Sends packets `seqs` through the transport now (werift's send path, which the estimator watches). */
  const send = (seq: number) => {
    const header = new RtpHeader({ sequenceNumber: seq, extensions: [{ id: TWCC_ID, payload: Buffer.from([seq >> 8, seq & 0xff]) }] });
    void sender.dtlsTransport.sendRtp(PACKET, header);
    return performance.now();
  };
  /** The browser's transport-cc feedback: packet `seq` arrived at `arrivalMs` (its clock). */
  const feedback = (arrivals: [seq: number, arrivalMs: number][]) => {
    let nowUs = 0;
    const twcc = new TwccFeedback(
      () => {},
      1,
      () => 2,
      () => nowUs,
    );
    for (const [seq, arrivalMs] of arrivals) {
      nowUs = arrivalMs * 1000;
      twcc.handleTWCC(seq);
    }
    const packet = twcc.flush() as RtcpTransportLayerFeedback;
    twcc.stop();
    rtcp.execute(packet);
  };
  const tick = () => mock.timers.tick(UPDATE_MS);
  return { bitrate, applied, remb, send, feedback, tick };
}

describe('SessionBitrate', () => {
  it("tells the encoder the starting estimate at once, and reports no measurement before the browser's feedback", () => {
    const { bitrate, applied } = sessionBitrate();
    assert.deepEqual(applied, [{ estimate: START_BPS, cap: undefined, keepSize: false }]);
    assert.deepEqual(bitrate.info(), { estimate: null, acked: null, max: null });
  });

  it('passes a move of the estimate on only when it is over 3 %', () => {
    const { bitrate, applied, remb, tick } = sessionBitrate();
    remb(1_000_000);
    tick();
    assert.equal(applied.at(-1)!.estimate, 1_000_000, "the browser's REMB caps the estimate");
    assert.equal(bitrate.info().estimate, 1_000_000);
    remb(980_000);
    tick();
    assert.equal(applied.length, 2, 'a 2 % move is not worth an encoder change');
    assert.equal(bitrate.info().estimate, 980_000, 'though the API reports it');
    remb(1_025_000);
    tick();
    assert.equal(applied.length, 2, '2.5 % above the last one told');
    remb(960_000);
    tick();
    assert.deepEqual(
      applied.map((s) => s.estimate),
      [START_BPS, 1_000_000, 960_000],
      '4 % below the last one told',
    );
  });

  it("the camera's cap applies at once, under --max-bitrate's ceiling; keepSize pins the size", () => {
    const { bitrate, applied } = sessionBitrate(1_500_000);
    assert.equal(applied[0]!.cap, 1_500_000, 'the ceiling from the start');
    bitrate.setCap(3_000_000);
    assert.equal(applied.length, 1, 'a cap above the ceiling changes nothing');
    assert.equal(bitrate.info().max, 3_000_000);
    bitrate.setCap(800_000);
    assert.deepEqual(applied.at(-1), { estimate: START_BPS, cap: 800_000, keepSize: false });
    bitrate.setCap(undefined);
    assert.equal(applied.at(-1)!.cap, 1_500_000, 'lifting the cap falls back to the ceiling');
    assert.equal(bitrate.info().max, null);
    bitrate.setKeepSize(true);
    assert.deepEqual(applied.at(-1), { estimate: START_BPS, cap: 1_500_000, keepSize: true });
    bitrate.setKeepSize(false);
    assert.equal(applied.at(-1)!.keepSize, false);
    assert.equal(applied.length, 5);
  });

  it('a queue building on the path (one-way delay rising 1 ms per 10 ms packet) brings the estimate under what got through', () => {
    const { bitrate, applied, send, feedback, tick } = sessionBitrate();
    const sentAt = Array.from({ length: 60 }, (_, seq) => send(seq));
    // Sent as one burst here; the browser saw them arrive 10 ms apart plus a growing queue.
    feedback(sentAt.map((at, seq) => [seq, at + 20 + seq * 11]));
    tick();
    const { estimate, acked } = bitrate.info();
    assert.ok(acked! > 700_000 && acked! < 1_100_000, `acked ${acked}`);
    assert.ok(estimate! < 0.9 * acked!, `estimate ${estimate} under the ${acked} acked`);
    assert.equal(applied.at(-1)!.estimate, estimate, 'and the encoder is told');
  });

  it('feedback with a steady one-way delay keeps the estimate; stop() detaches from the transport', async () => {
    const { bitrate, applied, send, feedback, tick } = sessionBitrate();
    const sentAt: number[] = [];
    for (let seq = 0; seq < 30; seq++) {
      sentAt.push(send(seq));
      await sleep(8);
    }
    feedback(sentAt.map((at, seq) => [seq, at + 20]));
    tick();
    assert.equal(bitrate.info().estimate, START_BPS);
    assert.equal(applied.length, 1);
    bitrate.stop();
    open.length = 0;
    // After stop, neither sends nor feedback reach the estimator.
    const later = Array.from({ length: 60 }, (_, seq) => send(100 + seq));
    feedback(later.map((at, i) => [100 + i, at + 20 + i * 11]));
    assert.equal(bitrate.info().estimate, START_BPS);
  });
});
