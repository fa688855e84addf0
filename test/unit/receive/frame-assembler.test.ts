import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dePacketizeRtpPackets, H264RtpPayload, RtpHeader, RtpPacket, Vp8Packetizer } from 'werift';
import { carriesIdr } from '../../../electron/core/media/h264.js';
import { FrameAssembler } from '../../../electron/core/receive/frame-assembler.js';

/** VP8-packetized fake frames: frame i is `size` bytes of value i; a keyframe bit pattern for i=0. */
function vp8Frames(count: number, size = 3000, keyframes = [0]): RtpPacket[][] {
  const packetizer = new Vp8Packetizer({ payloadType: 96, sequenceNumber: 65530 });
  return Array.from({ length: count }, (_, i) => {
    const data = Buffer.alloc(size, i + 1);
    data[0] = keyframes.includes(i) ? 0x10 : 0x11; // VP8 frame tag: bit 0 = 0 means keyframe
    return packetizer.packetize(data, 1000 + i * 3000);
  });
}

function feed(assembler: FrameAssembler, packets: RtpPacket[]) {
  const frames = [];
  let lost = false;
  for (const packet of packets) {
    const out = assembler.push(packet);
    frames.push(...out.frames);
    lost ||= out.lost;
  }
  return { frames, lost };
}

describe('FrameAssembler', () => {
  it('rebuilds frames in order across a sequence-number wrap', () => {
    const frames = vp8Frames(5);
    const { frames: out, lost } = feed(new FrameAssembler('vp8'), frames.flat());
    assert.equal(lost, false);
    assert.deepEqual(
      out.map((f) => f.timestamp),
      [1000, 4000, 7000, 10000, 13000],
    );
    assert.equal(out[0].keyframe, true);
    assert.equal(out[1].keyframe, false);
    assert.equal(out[2].data.length, 3000);
    assert.ok(out[2].data.subarray(1).every((b) => b === 3));
  });

  it('orders packets that arrive shuffled within a frame', () => {
    const frames = vp8Frames(2);
    const shuffled = [...frames[0]].reverse().concat([...frames[1]].reverse());
    const { frames: out } = feed(new FrameAssembler('vp8'), shuffled);
    assert.equal(out.length, 2);
    assert.ok(out[1].data.subarray(1).every((b) => b === 2));
  });

  it('waits for a late (retransmitted) packet, then emits everything in order', () => {
    const frames = vp8Frames(3);
    const late = frames[1][1];
    const early = [...frames[0], frames[1][0], ...frames[1].slice(2), ...frames[2]];
    const assembler = new FrameAssembler('vp8');
    assert.equal(feed(assembler, early).frames.length, 1);
    const { frames: out, lost } = feed(assembler, [late]);
    assert.equal(lost, false);
    assert.deepEqual(
      out.map((f) => f.timestamp),
      [4000, 7000],
    );
  });

  it('gives a lost frame up, reports the loss and emits nothing until the next keyframe', () => {
    const frames = vp8Frames(20, 3000, [0, 19]);
    frames[1].splice(1, 1); // a packet that never comes
    const assembler = new FrameAssembler('vp8');
    // 400 ms of frames at 30 fps wait for its retransmission...
    assert.equal(feed(assembler, frames.slice(0, 13).flat()).lost, false);
    // ...then it is given up.
    const { frames: out, lost } = feed(assembler, frames.slice(13, 19).flat());
    assert.equal(lost, true);
    assert.deepEqual(
      out.map((f) => f.timestamp),
      [],
      'inter frames after the loss are held back',
    );
    const after = feed(assembler, frames[19]);
    assert.equal(after.frames.length, 1);
    assert.equal(after.frames[0].keyframe, true);
  });

  it('starts only at a keyframe', () => {
    const frames = vp8Frames(3);
    const { frames: out } = feed(new FrameAssembler('vp8'), [...frames[1], ...frames[2]]);
    assert.equal(out.length, 0);
  });

  it('ignores duplicates and packets older than what was emitted', () => {
    const frames = vp8Frames(2);
    const assembler = new FrameAssembler('vp8');
    const { frames: out } = feed(assembler, [...frames[0], ...frames[0], ...frames[1], frames[0][0]]);
    assert.equal(out.length, 2);
  });

  it('handles a single-packet H.264 frame', () => {
    const idr = Buffer.from([0x65, 0x88, 0x84, 0x00]);
    const packet = new RtpPacket(new RtpHeader({ sequenceNumber: 1, timestamp: 5, marker: true, payloadType: 102 }), idr);
    const { frames } = feed(new FrameAssembler('h264'), [packet]);
    assert.equal(frames.length, 1);
    assert.equal(frames[0].keyframe, true);
  });

  it('tells H.264 keyframes from the packets as werift does (single NAL, FU-A, STAP-A)', () => {
    const nal = (type: number, ...rest: number[]) => [0x60 | type, ...rest];
    const stapA = (...nals: number[][]) => Buffer.from([0x78, ...nals.flatMap((n) => [n.length >> 8, n.length & 0xff, ...n])]);
    const payloads: [string, Buffer][] = [
      ['IDR slice', Buffer.from(nal(5, 0x88, 0x84))],
      ['non-IDR slice', Buffer.from(nal(1, 0x9a, 0x02))],
      ['FU-A start of an IDR', Buffer.from([0x7c, 0x85, 0x88, 0x84])],
      ['FU-A middle of an IDR', Buffer.from([0x7c, 0x05, 0x11, 0x22])],
      ['FU-A of a non-IDR', Buffer.from([0x7c, 0x81, 0x9a, 0x02])],
      ['STAP-A SPS PPS IDR', stapA(nal(7, 0x42, 0xc0, 0x1e), nal(8, 0xce, 0x3c), nal(5, 0x88, 0x84))],
      ['STAP-A SPS PPS', stapA(nal(7, 0x42, 0xc0, 0x1e), nal(8, 0xce, 0x3c))],
    ];
    for (const [what, payload] of payloads) assert.equal(carriesIdr(payload), H264RtpPayload.deSerialize(payload).isKeyframe, what);
    assert.deepEqual(
      payloads.map(([, p]) => carriesIdr(p)),
      [true, false, true, true, false, true, false],
    );
  });

  it("a frame whose packets hold no valid payload reads as empty, not as an exception in the camera's packet handler", () => {
    // A STAP-A whose first NAL claims 11,422 bytes in a 6-byte packet: werift's depacketizer throws on it.
    const overrun = Buffer.from([0x78, 0x2c, 0x9e, 0x65, 0x88, 0x84]);
    const packet = new RtpPacket(new RtpHeader({ sequenceNumber: 7, timestamp: 9, marker: true, payloadType: 102 }), overrun);
    assert.throws(() => dePacketizeRtpPackets('MPEG4/ISO/AVC', [packet]), /exceeds buffer/);
    const assembler = new FrameAssembler('h264');
    const idr = new RtpPacket(
      new RtpHeader({ sequenceNumber: 6, timestamp: 5, marker: true, payloadType: 102 }),
      Buffer.from([0x65, 0x88, 0x84]),
    );
    const { frames } = feed(assembler, [idr, packet]);
    assert.equal(frames.length, 2);
    assert.equal(frames[1].data.byteLength, 0);
    assert.equal(frames[0].data.byteLength > 0, true, 'the good frame before it is whole');
  });

  it('puts the payload together as werift does', () => {
    const frames = vp8Frames(3);
    const { frames: out } = feed(new FrameAssembler('vp8'), frames.flat());
    for (let i = 0; i < frames.length; i++) assert.deepEqual(out[i].data, dePacketizeRtpPackets('vp8', frames[i]).data);
  });
});
