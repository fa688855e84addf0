import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame, Log } from 'node-av/lib';
import { AV_LOG_ERROR, AV_PIX_FMT_YUV420P } from 'node-av/constants';
import { DEFAULT_MAX_PIXELS } from '../../../electron/core/media/picture-size.js';
import { VideoDecoder } from '../../../electron/core/worker/video-decoder.js';
import { VideoEncoder, type EncodedPicture } from '../../../electron/core/worker/video-encoder.js';

Log.setLevel(AV_LOG_ERROR);
const [WIDTH, HEIGHT, BITRATE] = [640, 480, 900_000];

/** A 640x480 I420 picture whose luma is `luma(x, y)`, grey chroma. */
function picture(luma: (x: number, y: number) => number): Frame {
  const frame = new Frame();
  frame.alloc();
  [frame.width, frame.height, frame.format] = [WIDTH, HEIGHT, AV_PIX_FMT_YUV420P];
  assert.ok(frame.allocBuffer() >= 0);
  const [y, u, v] = frame.data!;
  const [stride, chromaStride] = frame.linesize;
  for (let row = 0; row < HEIGHT; row++) for (let x = 0; x < WIDTH; x++) y![row * stride! + x] = luma(x, row);
  u!.fill(128, 0, chromaStride! * (HEIGHT / 2));
  v!.fill(128, 0, chromaStride! * (HEIGHT / 2));
  return frame;
}

/** A still gradient for a second, then a cut to fine noise: what the encoder makes of the cut, and every frame. */
function encodeCut(recodeAbove: number): { cut: EncodedPicture; all: EncodedPicture[] } {
  const still = picture((x, y) => (x + y) >> 2);
  let seed = 1;
  const noise = picture(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  const encoder = new VideoEncoder('vp8', DEFAULT_MAX_PIXELS);
  encoder.open(WIDTH, HEIGHT, BITRATE);
  const all: EncodedPicture[] = [];
  let pts = 0n;
  const encode = (frame: Frame) => {
    frame.pts = pts += 3000n;
    const encoded = encoder.encode(frame, recodeAbove);
    assert.ok(encoded, 'a frame out for each frame in');
    all.push(encoded);
    return encoded;
  };
  for (let i = 0; i < 30; i++) encode(still);
  const cut = encode(noise);
  for (let i = 0; i < 5; i++) encode(noise);
  encoder.dispose();
  still.free();
  noise.free();
  return { cut, all };
}

describe('VideoEncoder: a scene cut', () => {
  it("is coded again as a keyframe when libvpx's inter frame is over the bits given, a fraction of the size", () => {
    const share = BITRATE / 30;
    const plain = encodeCut(Infinity);
    assert.equal(plain.cut.keyframe, false);
    const plainBits = plain.cut.data.byteLength * 8;
    assert.ok(
      plainBits > 6 * share,
      `libvpx's inter frame after the cut: ${plainBits} bits, ${(plainBits / share).toFixed(1)} frames' share`,
    );

    const recoded = encodeCut(6 * share);
    const bits = recoded.cut.data.byteLength * 8;
    assert.equal(recoded.cut.keyframe, true);
    assert.equal(recoded.cut.recodedFrom, plain.cut.data.byteLength, 'in place of the inter frame');
    assert.ok(bits < plainBits / 2, `recoded: ${bits} bits, was ${plainBits}`);
    assert.equal(recoded.all.filter((p) => p.recodedFrom !== undefined).length, 1, 'only the cut');

    // The stream with the frame thrown away decodes cleanly, the frames after the cut too.
    const decoder = new VideoDecoder('vp8', DEFAULT_MAX_PIXELS);
    recoded.all.forEach((p, i) => assert.ok(decoder.decode(p.data, i * 3000), `frame ${i} decodes`));
    assert.deepEqual(decoder.size, { width: WIDTH, height: HEIGHT });
    decoder.dispose();
  });

  it('a frame within the bits given is sent as encoded', () => {
    const { all } = encodeCut(Infinity);
    assert.equal(all.filter((p) => p.keyframe).length, 1, 'the first frame only');
    assert.ok(all.every((p) => p.recodedFrom === undefined));
  });
});
