import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RtpPacket } from 'werift';
import type { AssembledFrame } from '../../../electron/core/media/frames.js';
import { createPacketizer } from '../../../electron/core/send/packetizer.js';
import { VideoOutput } from '../../../electron/core/send/video-output.js';
import { FakeCamera, FakeSender, recordedTrack } from '../../support/fake-peer.js';

const SOURCE_TIMESTAMP_ID = 5;
const TWCC_ID = 3;

function output(sourceTimestampId?: number) {
  const sender = new FakeSender();
  const { track, written } = recordedTrack();
  const out = new VideoOutput(sender.asSender, track, createPacketizer('vp8', 96), sourceTimestampId);
  const mirror = { sender: new FakeSender(), ...recordedTrack() };
  out.addMirror(mirror.sender.asSender, mirror.track);
  return { out, sender, written, mirror };
}

/** A camera frame as FrameAssembler gives it, its packets carrying the camera's transport-cc numbers. */
function cameraFrame(camera: FakeCamera, keyframe: boolean): AssembledFrame {
  const packets = camera.frame(keyframe);
  packets.forEach((p, i) => (p.header.extensions = [{ id: TWCC_ID, payload: Buffer.from([0, i]) }]));
  return { packets, timestamp: packets[0]!.header.timestamp, keyframe, data: Buffer.concat(packets.map((p) => p.payload)) };
}

const processed = (bytes: number, timestamp: number, keyframe = false) => ({ data: new Uint8Array(bytes).fill(7), timestamp, keyframe });
const seqs = (packets: RtpPacket[]) => packets.map((p) => p.header.sequenceNumber);

describe('VideoOutput', () => {
  it("forwards a camera packet as it came, without the camera's header extensions, to the track and each mirror", () => {
    const { out, written, mirror } = output();
    const [packet] = cameraFrame(new FakeCamera(), true).packets;
    out.forward(packet!);
    for (const sent of [written, mirror.written]) {
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]!.header.extensions, [], "the camera's transport-cc number does not leak into our stream");
      assert.equal(sent[0]!.header.sequenceNumber, packet!.header.sequenceNumber);
      assert.deepEqual(sent[0]!.payload, packet!.payload);
    }
    assert.equal(out.framesSent, 0, 'a packet is not a frame');
  });

  it("switches to the camera at its keyframe: what was queued goes first, the sender and mirrors re-base on the keyframe's first packet", async () => {
    const { out, sender, written, mirror } = output();
    const order: string[] = [];
    sender.onRebase = () => order.push(`rebase at ${written.length}`);
    out.setLinkRate(100_000);
    out.sendProcessed(processed(30_000, 9000, true), false);
    const ours = written.length;
    assert.ok(ours < 26, `a 30 KB keyframe on a 100 kbps link is paced, not sent at once (${ours} of 26 packets)`);

    const keyframe = cameraFrame(new FakeCamera(), true);
    out.switchToCamera(keyframe);
    const first = keyframe.packets[0]!.header;
    const rebase = { sequenceNumber: first.sequenceNumber, timestamp: first.timestamp, discontinuity: false, timestampStep: 3000 };
    assert.deepEqual(sender.rebases, [rebase], 'a frame at 30 fps after our last timestamp');
    assert.deepEqual(mirror.sender.rebases, [rebase]);
    assert.deepEqual(order, ['rebase at 26'], 'the queued processed packets left before the offsets changed');
    assert.deepEqual(seqs(written.slice(26)), seqs(keyframe.packets), "then the keyframe's own packets");
    assert.ok(written.slice(26).every((p) => p.header.extensions.length === 0));
    await sleep(300);
    assert.equal(written.length, 26 + keyframe.packets.length, 'nothing of the old source trickles out later');
  });

  it('sends a processed frame packetized, stamped when it leaves, with the source timestamp on its last packet only', async () => {
    const { out, written, mirror } = output(SOURCE_TIMESTAMP_ID);
    const seen: { timestamp: number; keyframe: boolean; bytes: number }[] = [];
    out.onSent = (frame) => seen.push({ timestamp: frame.timestamp, keyframe: frame.keyframe, bytes: frame.data.length });
    out.arrived(90_000);
    await sleep(40);
    out.sendProcessed(processed(3000, 90_000, true), false);

    assert.equal(written.length, 3, '3000 bytes in 1200-byte packets');
    const stamped = written[0]!.header.timestamp;
    // setTimeout may fire up to a millisecond before the 40 ms by the clock the stamp reads.
    assert.ok(stamped >= 90_000 + 39 * 90 && stamped < 90_000 + 2000 * 90, `moved later by the 40 ms it spent here (${stamped})`);
    assert.ok(written.every((p) => p.header.timestamp === stamped));
    assert.deepEqual(
      written.map((p) => p.header.marker),
      [false, false, true],
    );
    assert.deepEqual(
      written.map((p) => p.payload[0]),
      [0x90, 0x80, 0x80],
      'VP8 payload descriptors: the first starts the frame',
    );
    assert.deepEqual(written[2]!.header.extensions, [{ id: SOURCE_TIMESTAMP_ID, payload: Buffer.from([0, 1, 0x5f, 0x90]) }]);
    assert.ok(
      written.slice(0, 2).every((p) => p.header.extensions.length === 0),
      'only the last packet carries it',
    );
    assert.deepEqual(seqs(mirror.written), seqs(written), 'the mirror gets the same packets...');
    assert.ok(
      mirror.written.every((p) => p.header.extensions.length === 0),
      '...without the extension',
    );
    assert.deepEqual(seen, [{ timestamp: stamped, keyframe: true, bytes: 3000 }]);
    assert.equal(out.framesSent, 1);

    // A frame that never arrived (no arrival time) keeps its timestamp, but never goes back in time.
    out.sendProcessed(processed(100, 90_000), false);
    assert.equal(written.at(-1)!.header.timestamp, stamped + 1);
  });

  it('without a negotiated source-timestamp extension, sends none', () => {
    const { out, written } = output();
    out.sendProcessed(processed(3000, 1234), false);
    assert.equal(written.length, 3);
    assert.ok(written.every((p) => p.header.extensions.length === 0));
  });

  it("paces processed frames at the link's rate: a fast link takes a keyframe at once, a slow one over its queue time", async () => {
    const fast = output();
    fast.out.setLinkRate(50_000_000);
    fast.out.sendProcessed(processed(30_000, 0, true), false);
    assert.equal(fast.written.length, 26, 'within the burst at once');

    const slow = output();
    slow.out.setLinkRate(100_000);
    const start = performance.now();
    slow.out.sendProcessed(processed(30_000, 0, true), false);
    assert.ok(slow.written.length < 10, `${slow.written.length} packets at once`);
    while (slow.written.length < 26 && performance.now() - start < 2000) await sleep(10);
    const took = performance.now() - start;
    assert.equal(slow.written.length, 26);
    // 250 ms is a keyframe's longest wait in the pacer (KEYFRAME_QUEUE_MS): it drains faster than the link then.
    assert.ok(took > 150 && took < 1000, `spread over ${took.toFixed(0)} ms`);
    assert.equal(slow.mirror.written.length, 26, 'the mirror gets each as it leaves');
  });

  it('a switch to processed frames re-bases the sender on our keyframe; stop() drops what is still queued', async () => {
    const { out, sender, written } = output();
    out.setLinkRate(100_000);
    out.sendProcessed(processed(30_000, 6000, true), true);
    assert.equal(sender.rebases.length, 1);
    assert.equal(sender.rebases[0]!.sequenceNumber, written[0]!.header.sequenceNumber);
    const sent = written.length;
    out.stop();
    await sleep(300);
    assert.equal(written.length, sent, 'nothing more leaves after stop()');
  });
});
