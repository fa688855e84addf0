import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newGuardCounts } from '../../../electron/core/base/guard-counts.js';
import type { AssembledFrame } from '../../../electron/core/media/frames.js';
import { FrameGuard, MAX_FRAMES_PER_SECOND } from '../../../electron/core/receive/frame-guard.js';
import { InboundLimit, TokenBucket } from '../../../electron/core/receive/inbound-limit.js';
import { makeClip } from '../../support/clip.js';

it('a token bucket lets a second of its rate through at once, then its rate', () => {
  let now = 0;
  const bucket = new TokenBucket(10, () => now);
  assert.equal(Array.from({ length: 15 }, () => bucket.take()).filter(Boolean).length, 10, 'a second of burst');
  now += 500;
  assert.equal(Array.from({ length: 15 }, () => bucket.take()).filter(Boolean).length, 5, 'half a second later: 5 more');
  now += 60_000;
  assert.equal(Array.from({ length: 15 }, () => bucket.take()).filter(Boolean).length, 10, 'never more than a second banked');
});

it("a peer's RTP is dropped past twice the announced bitrate, or past its packet budget, and counted", () => {
  let now = 0;
  const counts = newGuardCounts();
  // 8 Mbps announced: 2 MB a second, 4000 packets a second.
  const limit = new InboundLimit(8_000_000, counts, () => now);
  let passed = 0;
  for (let second = 0; second < 10; second++, now += 1000) for (let i = 0; i < 3000; i++) if (limit.admit(1000)) passed++;
  // 3 MB a second offered: about 2 MB a second of it admitted.
  assert.ok(Math.abs(passed - 20_000) <= 2000, `${passed} of 30000 packets admitted`);
  assert.equal(counts.packetsDropped, 30_000 - passed);
  assert.equal(counts.bytesDropped, counts.packetsDropped * 1000);

  const tiny = newGuardCounts();
  const small = new InboundLimit(8_000_000, tiny, () => now);
  let admitted = 0;
  for (let i = 0; i < 10_000; i++) if (small.admit(50)) admitted++;
  assert.equal(admitted, 4000, 'tiny packets: the packet budget, not the bytes, stops them');
});

const frameOf = (data: Buffer, keyframe: boolean): AssembledFrame => ({ data, keyframe, timestamp: 0, packets: [] });

it('refuses a picture over the pixel limit from its keyframe to the next keyframe within it, and says so once', () => {
  const clip = makeClip('vp8', 320, 240, 3, 300_000);
  const huge = Buffer.from(clip.frames[0]);
  huge.writeUInt16LE(16383, 6);
  huge.writeUInt16LE(16000, 8);
  const counts = newGuardCounts();
  const told: string[] = [];
  const guard = new FrameGuard('vp8', 1920 * 1088, counts, { refused: (m) => told.push(m), askKeyframe: () => {} });
  assert.equal(guard.admit(frameOf(clip.frames[0], true)), true);
  assert.equal(guard.admit(frameOf(huge, true)), false, 'the oversized keyframe');
  assert.equal(guard.admit(frameOf(clip.frames[1], false)), false, 'and the frames after it');
  assert.equal(guard.admit(frameOf(huge, true)), false);
  assert.equal(counts.oversizedFrames, 3);
  assert.equal(told.length, 1, 'told once');
  assert.match(told[0]!, /16383x16000 .*262\.1 Mpixels.*--max-pixels/);
  assert.equal(guard.admit(frameOf(clip.frames[0], true)), true, 'a keyframe within the limit ends it');
  assert.equal(guard.admit(frameOf(clip.frames[1], false)), true);
});

it('a malformed frame is counted, asks for a keyframe once, and the stream resumes at the next keyframe', () => {
  const clip = makeClip('vp8', 320, 240, 2, 300_000);
  const counts = newGuardCounts();
  let asked = 0;
  const guard = new FrameGuard('vp8', 1920 * 1088, counts, { refused: () => {}, askKeyframe: () => asked++ });
  assert.equal(guard.admit(frameOf(clip.frames[0], true)), true);
  assert.equal(guard.malformed(), false, 'an inter frame with no payload');
  assert.equal(guard.admit(frameOf(clip.frames[1], false)), false, 'the frames after it wait for a keyframe');
  assert.equal(guard.admit(frameOf(Buffer.alloc(0), true)), false, 'a keyframe with no payload is no keyframe');
  assert.deepEqual([counts.malformedFrames, asked], [2, 1]);
  assert.equal(guard.admit(frameOf(clip.frames[0], true)), true, 'a whole keyframe resumes');
});

it('sheds frames past MAX_FRAMES_PER_SECOND, asks for a keyframe once, and resumes at one', () => {
  const clip = makeClip('vp8', 320, 240, 2, 300_000);
  const counts = newGuardCounts();
  let asked = 0;
  // Time stands still: a loaded machine that took 8 ms over the loop would refill the budget by a frame.
  const guard = new FrameGuard('vp8', 1920 * 1088, counts, { refused: () => {}, askKeyframe: () => asked++ }, () => 0);
  let admitted = 0;
  for (let i = 0; i < MAX_FRAMES_PER_SECOND + 30; i++) if (guard.admit(frameOf(clip.frames[i ? 1 : 0]!, i === 0))) admitted++;
  assert.equal(admitted, MAX_FRAMES_PER_SECOND);
  assert.equal(counts.framesShed, 30);
  assert.equal(asked, 1, 'one keyframe request for the whole gap');
  guard.shed();
  assert.equal(asked, 1, 'still waiting: not asked again');
});
