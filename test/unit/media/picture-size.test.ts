import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { declaredPictureSize } from '../../../electron/core/media/picture-size.js';
import { makeClip } from '../../support/clip.js';

it('reads the size a VP8 keyframe declares, and none from an inter frame', () => {
  const clip = makeClip('vp8', 320, 240, 2, 300_000);
  assert.deepEqual(declaredPictureSize('vp8', clip.frames[0]), { width: 320, height: 240 });
  assert.equal(declaredPictureSize('vp8', clip.frames[1]), undefined);
  const huge = Buffer.from(clip.frames[0]);
  huge.writeUInt16LE(16383, 6);
  huge.writeUInt16LE(16000, 8);
  assert.deepEqual(declaredPictureSize('vp8', huge), { width: 16383, height: 16000 });
});

it("reads the coded size an H.264 keyframe's SPS declares (whole macroblocks): x264's baseline, and high profile SPSs", () => {
  for (const [width, height, coded] of [
    [320, 240, 240],
    [1280, 720, 720],
    [1920, 1080, 1088],
  ]) {
    const clip = makeClip('h264', width, height, 1, 1_000_000);
    assert.deepEqual(declaredPictureSize('h264', clip.frames[0]), { width, height: coded }, `${width}x${height}`);
  }
  // From ffmpeg -c:v libx264 -profile:v high (start code, SPS, the PPS's start code).
  const high = (hex: string) => declaredPictureSize('h264', Buffer.from(hex, 'hex'));
  assert.deepEqual(high('0000000167640028acd940780227e5c044000003000400000300c83c60c6580000000168'), { width: 1920, height: 1088 });
  assert.deepEqual(high('000000016764001facd9405005bb011000000300100000030320f18319600000000168'), { width: 1280, height: 720 });
});

it('never throws on garbage, and reads no size from most of it', () => {
  let sized = 0;
  for (let i = 0; i < 2000; i++) {
    const bytes = randomBytes(12 + (i % 300));
    if (i % 2) bytes.set([0, 0, 1, 0x67], i % 7);
    for (const codec of ['vp8', 'h264'] as const) if (declaredPictureSize(codec, bytes)) sized++;
  }
  assert.ok(sized < 2000, `${sized} of 4000 random frames read as sized`);
});
