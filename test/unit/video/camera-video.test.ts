import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RtpPacket } from 'werift';
import { newGuardCounts } from '../../../electron/core/base/guard-counts.js';
import { DEFAULT_MAX_PIXELS } from '../../../electron/core/media/picture-size.js';
import { silentLogger } from '../../../electron/core/base/log.js';
import { SessionRecordings } from '../../../electron/core/recording/session-recordings.js';
import type { TransformChain } from '../../../electron/core/transforms/chain.js';
import type { ResultEvent } from '../../../electron/core/detect/events.js';
import { CameraVideo } from '../../../electron/core/video/camera-video.js';
import type { EncodedFrame } from '../../../electron/core/worker/protocol.js';
import {
  CAMERA_SSRC,
  FakeCamera,
  fakePool,
  FakeTransport,
  fakeTransceiver,
  recordedTrack,
  type FakeWorker,
} from '../../support/fake-peer.js';
import { waitFor } from '../../support/wait.js';

const none: TransformChain = [{ id: 'none', params: {} }];
const edges: TransformChain = [{ id: 'edges', params: { low: 50, high: 150 } }];

const open: CameraVideo[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((video) => video.close()));
});

/** A CameraVideo on fakes: packets in through `send`, what goes back in `written`, its worker in `worker()`. */
function cameraVideo(chain: TransformChain) {
  const { transceiver, sender, plis, incoming } = fakeTransceiver();
  const { track: outgoing, written } = recordedTrack();
  const { pool, workers } = fakePool();
  const results: ResultEvent[] = [];
  const video = new CameraVideo(transceiver, incoming, outgoing, {
    codec: 'vp8',
    chain,
    pool,
    log: silentLogger,
    recordings: new SessionRecordings(silentLogger, undefined, () => undefined),
    onResult: (r) => results.push(r),
    onTransformErrors: () => {},
    maxPixels: DEFAULT_MAX_PIXELS,
    counts: newGuardCounts(),
    onProblem: () => {},
  });
  open.push(video);
  const camera = new FakeCamera();
  const send = (keyframe: boolean): RtpPacket[] => {
    const packets = camera.frame(keyframe);
    for (const packet of packets) incoming.onReceiveRtp.execute(packet.clone());
    return packets;
  };
  const worker = (): FakeWorker => {
    assert.equal(workers.length, 1, 'one place in a codec worker per camera');
    return workers[0]!;
  };
  return { video, sender, plis, written, send, worker, workers, results };
}

/** The worker's reply for one processed frame of `bytes` bytes. */
function encoded(timestamp: number, keyframe: boolean, bytes = 2000): { type: 'encoded' } & EncodedFrame {
  return {
    type: 'encoded',
    data: new Uint8Array(bytes).fill(0x42),
    timestamp,
    time: timestamp / 90000,
    keyframe,
    recoded: false,
    width: 160,
    height: 120,
    timings: { decodeMs: 1, transformMs: 1, encodeMs: 1 },
    dropped: 0,
    skipped: 0,
    results: { edges: { frame: timestamp } },
    bitrate: 500_000,
    sentWidth: 160,
    sentHeight: 120,
    workWidth: 160,
    workHeight: 120,
  };
}

const seqs = (packets: RtpPacket[]) => packets.map((p) => p.header.sequenceNumber);
/** Packets that are ours (processed, marked by their payload's fill byte), not the camera's. */
const ours = (packets: RtpPacket[]) => packets.filter((p) => p.payload.at(-1) === 0x42);

describe('CameraVideo (fake transceiver, tracks and codec worker)', () => {
  it("with 'none', sends the camera's packets straight back; the worker decodes only until the size is known", async () => {
    const { video, plis, written, send, worker } = cameraVideo(none);
    assert.deepEqual(plis, [CAMERA_SSRC], 'the camera is asked for a keyframe from the start');
    assert.equal(video.forwardingNow, true);

    const first = send(true);
    assert.deepEqual(seqs(written), seqs(first), 'each packet back as it came');
    const [init] = worker().sent('init');
    assert.equal(init!.chain, undefined, 'the worker starts paused: nothing to process');
    assert.deepEqual(
      worker()
        .sent('frame')
        .map((m) => m.timestamp),
      [0],
      'the keyframe is decoded (its size is not known yet)',
    );
    worker().reply({ type: 'size', width: 160, height: 120 });
    const second = send(false);
    assert.deepEqual(seqs(written), seqs([...first, ...second]));
    assert.equal(worker().sent('frame').length, 1, 'the size known, forwarded frames are not decoded');
    assert.equal(video.framesSent, 2);
  });

  it("with a filter, feeds the worker the camera's frames and sends its processed frames back, paced", async () => {
    const { video, written, send, worker, results } = cameraVideo(edges);
    send(true);
    send(false);
    assert.equal(written.length, 0, 'nothing of the camera goes back');
    assert.deepEqual(worker().sent('init')[0]!.chain, edges);
    const frames = worker().sent('frame');
    assert.deepEqual(
      frames.map((m) => m.timestamp),
      [0, 3000],
    );
    assert.equal(frames[0]!.data.length, 2500, 'the whole frame, depacketized');
    assert.equal(frames[0]!.data[0], 0x10);

    worker().reply(encoded(0, true));
    assert.equal(written.length, 2, 'a 2000-byte processed frame in two packets');
    assert.ok(written.every((p) => p.header.payloadType === 96));
    assert.deepEqual(
      results.map((r) => [r.id, r.kind, r.results]),
      [['edges', 'apply', { frame: 0 }]],
      "the chain's results reach the session",
    );
    assert.equal(video.framesSent, 1);
    assert.equal(video.stats?.framesOut, 1);
  });

  it("a switch to 'none' asks the camera for a keyframe and hands over at it; the worker pauses", async () => {
    const { video, sender, plis, written, send, worker } = cameraVideo(edges);
    send(true);
    worker().reply(encoded(0, true));
    const pliBefore = plis.length;

    video.setChain(none);
    await waitFor('a PLI for the switch', () => plis.length > pliBefore, 1500, 20);
    const delta = send(false);
    assert.equal(written.filter((p) => seqs(delta).includes(p.header.sequenceNumber)).length, 0, 'not from a delta frame');
    worker().reply(encoded(3000, false));
    assert.equal(ours(written).length, 4, 'processed frames go back until the switch');
    assert.equal(sender.rebases.length, 0);

    const keyframe = send(true);
    assert.equal(video.forwardingNow, true);
    assert.deepEqual(
      sender.rebases.map((r) => r.sequenceNumber),
      [keyframe[0]!.header.sequenceNumber],
      "the sender re-bases on the camera's keyframe",
    );
    assert.deepEqual(seqs(written.slice(-keyframe.length)), seqs(keyframe), "then the keyframe's packets go back");
    assert.equal(worker().sent('pause').length, 1, 'the worker stops encoding');
    worker().reply(encoded(6000, false));
    assert.equal(ours(written).length, 4, 'a late processed frame is dropped');
  });

  it('asks the camera for a keyframe when the worker needs one; a viewer or peer PLI asks the encoder', async () => {
    const { video, sender, plis, send, worker } = cameraVideo(edges);
    send(true);
    const pliBefore = plis.length;
    worker().reply({ type: 'need-keyframe', reason: 'decode error' });
    await waitFor('a PLI to the camera', () => plis.length > pliBefore, 1500, 20);
    assert.equal(plis.at(-1), CAMERA_SSRC);

    video.requestKeyframe();
    const pli = new RtcpPayloadSpecificFeedback({ feedback: new PictureLossIndication({ senderSsrc: 1, mediaSsrc: sender.ssrc }) });
    sender.dtlsTransport.onRtcp.execute(pli);
    assert.equal(worker().sent('keyframe').length, 2, "our encoder makes the keyframe of what goes back, not the camera's");
  });

  it('close() stops the worker, the pacer, the keyframe requests and every subscription', async () => {
    const { video, sender, plis, written, send, worker } = cameraVideo(edges);
    const sendRtp = FakeTransport.prototype.sendRtp;
    send(true);
    worker().reply({ type: 'need-keyframe', reason: 'worker ready' });
    worker().reply(encoded(0, true, 60_000));
    const sent = written.length;
    assert.ok(sent < 51, `a 60 KB keyframe is still being paced (${sent} of 51 packets)`);
    assert.notEqual(sender.dtlsTransport.sendRtp, sendRtp, 'the bitrate estimator watches what is sent');

    await video.close();
    assert.equal(worker().posted.at(-1)?.type, 'close');
    assert.equal(sender.dtlsTransport.onRtcp.length, 0, 'no RTCP listener left');
    assert.equal(sender.dtlsTransport.sendRtp, sendRtp, 'the transport is as it was');
    const plisAtClose = plis.length;
    await sleep(700);
    assert.equal(written.length, sent, 'the rest of the queued frame is dropped');
    assert.equal(plis.length, plisAtClose, 'no keyframe request repeats after close');
    assert.equal(worker().terminated, false, 'the worker let go of the port when asked, no forced close');
    assert.equal(worker().released, true, "the camera's place in the worker is free");
  });
});
