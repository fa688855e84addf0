import { randomBytes, randomInt } from 'node:crypto';
import { H264Packetizer, Vp8Packetizer, type RtpPacket } from 'werift';
import type { Clip, ClipCodec } from './clip.js';
import type { Chunk, FrameSource } from './hostile-peer.js';

/** What the hostile cases send: good video, and ways to spoil it. Each is a FrameSource for HostilePeer. */

const toChunks = (packets: RtpPacket[]): Chunk[] => packets.map((p) => ({ payload: p.payload, marker: p.header.marker }));

/** A clip in a loop at `fps`, from its keyframe again whenever the server asks for one (as a phone's encoder). */
export function clipSource(clip: Clip, codec: ClipCodec, fps = 30): FrameSource {
  const packetizer = codec === 'vp8' ? new Vp8Packetizer() : new H264Packetizer({ inputFormat: 'annexb' });
  let next = 0;
  return {
    fps,
    next: () => toChunks(packetizer.packetize(clip.frames[next++ % clip.frames.length], 0)),
    keyframe: () => void (next = 0),
  };
}

/** Random VP8 frames: every other one with valid payload descriptors (garbage in the bitstream), the others garbage from the first byte. */
export function randomVp8(): FrameSource {
  const packetizer = new Vp8Packetizer();
  let described = false;
  return {
    fps: 30,
    next() {
      const chunks = toChunks(packetizer.packetize(randomBytes(1000 + randomInt(9000)), 0));
      described = !described;
      return described ? chunks : chunks.map((c) => ({ ...c, payload: randomBytes(c.payload.length) }));
    },
  };
}

/** Random H.264 payloads: single NAL units claiming to be slices, IDRs, SPS or PPS, FU-A fragments, STAP-As with random sizes. */
export function randomH264(): FrameSource {
  const nal = (): Buffer => {
    const body = randomBytes(50 + randomInt(1150));
    const header = body[0] & 0x60;
    const kind = randomInt(4);
    if (kind === 0) body[0] = header | [1, 5, 7, 8][randomInt(4)];
    if (kind === 1) [body[0], body[1]] = [header | 28, (body[1] & 0xc0) | [1, 5, 7][randomInt(3)]];
    if (kind === 2) body[0] = header | 24;
    return body;
  };
  return {
    fps: 30,
    next() {
      const count = 1 + randomInt(6);
      return Array.from({ length: count }, (_, i) => ({ payload: nal(), marker: i === count - 1 }));
    },
  };
}

/** The clip's keyframe, its header rewritten to claim `width` x `height` (VP8: frame tag, 9d 01 2a, 14-bit sizes), at 30 fps. */
export function hugeKeyframe(clip: Clip, width: number, height: number): FrameSource {
  const frame = Buffer.from(clip.frames[0]);
  if (frame.readUIntBE(3, 3) !== 0x9d012a) throw new Error('the clip does not start with a VP8 keyframe');
  frame.writeUInt16LE(width & 0x3fff, 6);
  frame.writeUInt16LE(height & 0x3fff, 8);
  const packetizer = new Vp8Packetizer();
  return { fps: 30, next: () => toChunks(packetizer.packetize(frame, 0)) };
}

/** Each frame of `good` without its second half (a one-packet frame: half its payload); the marker on the last kept packet, or nowhere. */
export function halved(good: FrameSource, marked: boolean): FrameSource {
  return {
    fps: good.fps,
    next() {
      const chunks = good.next();
      const kept =
        chunks.length > 1
          ? chunks.slice(0, Math.ceil(chunks.length / 2))
          : [{ ...chunks[0], payload: chunks[0].payload.subarray(0, Math.ceil(chunks[0].payload.length / 2)) }];
      return kept.map((c, i) => ({ payload: c.payload, marker: marked && i === kept.length - 1 }));
    },
    keyframe: () => good.keyframe?.(),
  };
}

/** The clips in turn, a second each, each from its keyframe. */
export function sizeChurn(clips: Clip[]): FrameSource {
  const sources = clips.map((clip) => clipSource(clip, 'vp8'));
  let current = sources[0];
  let frames = 0;
  return {
    fps: 30,
    next() {
      if (frames % 30 === 0) {
        current = sources[(frames / 30) % sources.length];
        current.keyframe!();
      }
      frames++;
      return current.next();
    },
    keyframe: () => current.keyframe?.(),
  };
}
