import assert from 'node:assert/strict';
import { it } from 'node:test';
import { VideoDecoder } from '../../../electron/core/worker/video-decoder.js';
import { makeClip } from '../../support/clip.js';

it('an empty frame is a decode error, and the decoder still decodes the next keyframe', () => {
  for (const codec of ['vp8', 'h264'] as const) {
    const clip = makeClip(codec, 320, 240, 3, 300_000);
    const decoder = new VideoDecoder(codec, 1920 * 1088);
    try {
      assert.equal(decoder.decode(clip.frames[0]!, 0), true, `${codec}: the first keyframe`);
      assert.equal(decoder.take()?.width, 320);
      assert.equal(decoder.decode(new Uint8Array(0), 3000), false, `${codec}: an empty frame`);
      assert.equal(decoder.decode(clip.frames[0]!, 6000), true, `${codec}: the keyframe after it`);
      assert.equal(decoder.take()?.height, 240, `${codec}: decoded`);
    } finally {
      decoder.dispose();
    }
  }
});
