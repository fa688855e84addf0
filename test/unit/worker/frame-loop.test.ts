import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Log, type Frame } from 'node-av/lib';
import { AV_LOG_QUIET } from 'node-av/constants';
import type { TransformChain } from '../../../electron/core/transforms/chain.js';
import { setPluginTransforms } from '../../../electron/core/transforms/registry.js';
import { FrameLoop } from '../../../electron/core/worker/frame-loop.js';
import { openCv } from '../../../electron/core/worker/opencv-runtime.js';
import type { EncodedFrame, FromWorker, ToWorker } from '../../../electron/core/worker/protocol.js';
import { DEFAULT_MAX_PIXELS } from '../../../electron/core/media/picture-size.js';
import { VideoDecoder } from '../../../electron/core/worker/video-decoder.js';
import { makeVp8Clip, type Clip } from '../../support/clip.js';

// The undecodable frame below is meant: FFmpeg need not say so.
Log.setLevel(AV_LOG_QUIET);
const [WIDTH, HEIGHT] = [160, 120];
/** FrameLoop's CATCH_UP_MS: frames of a burst are sent while their work adds up to no more than this. */
const CATCH_UP_MS = 20;
const BASE_TIMESTAMP = 90_000;

const invert: TransformChain = [{ id: 'invert', params: {} }];
/** A chain that takes 25 ms a frame, more than the whole catch-up allowance. */
const slow: TransformChain = [{ id: 'slow-test-filter', params: {} }];

let clip: Clip;
before(async () => {
  // Loaded up front, as a worker that already serves a camera with OpenCV.js stages has it: chains are then set at once.
  await openCv();
  clip = makeVp8Clip(WIDTH, HEIGHT, 16);
  setPluginTransforms([
    {
      id: 'slow-test-filter',
      label: 'busy for 25 ms',
      params: [],
      input: 'gray',
      create: () => ({
        apply() {
          for (const end = performance.now() + 25; performance.now() < end;);
        },
        dispose() {},
      }),
    },
  ]);
});

/** A FrameLoop driven in-process: `queue` is what the thread's port would hold behind the message received. */
function frameLoop() {
  const posted: FromWorker[] = [];
  const queue: ToWorker[] = [];
  const drained: number[] = [];
  let closed = 0;
  const loop = new FrameLoop(
    // 'drained' is the queue's bookkeeping (WorkerFeed's backlog): kept apart from what the frames produce.
    (message) => (message.type === 'drained' ? drained.push(message.frames) : posted.push(message)),
    () => queue.shift(),
    () => closed++,
  );
  const encoded = () => posted.filter((m): m is { type: 'encoded' } & EncodedFrame => m.type === 'encoded');
  return { loop, posted, queue, encoded, drained, closes: () => closed };
}

const frame = (i: number): ToWorker => ({ type: 'frame', data: new Uint8Array(clip.frames[i]!), timestamp: BASE_TIMESTAMP + i * 3000 });
const init = (chain?: TransformChain): ToWorker => ({ type: 'init', codec: 'vp8', chain, maxPixels: DEFAULT_MAX_PIXELS });
const work = (e: EncodedFrame) => e.timings.transformMs + e.timings.encodeMs;

/** Mean luma of one VP8 frame decoded alone (a keyframe). */
function meanLuma(data: Uint8Array): number {
  const decoder = new VideoDecoder('vp8', DEFAULT_MAX_PIXELS);
  try {
    assert.ok(decoder.decode(data, 0));
    const picture = decoder.take() as Frame;
    const [y] = picture.data!;
    const stride = picture.linesize[0]!;
    let sum = 0;
    for (let row = 0; row < picture.height; row++) for (let x = 0; x < picture.width; x++) sum += y![row * stride + x]!;
    return sum / (picture.width * picture.height);
  } finally {
    decoder.dispose();
  }
}

describe('FrameLoop (the codec worker without its thread)', () => {
  it('init asks for a keyframe; a frame comes back as its size and an encoded keyframe of the filtered picture', async () => {
    const { loop, posted, encoded } = frameLoop();
    await loop.receive(init(invert));
    assert.deepEqual(posted, [{ type: 'need-keyframe', reason: 'worker ready' }]);
    await loop.receive(frame(0));
    assert.deepEqual(posted[1], { type: 'size', width: WIDTH, height: HEIGHT });
    const [out] = encoded();
    assert.ok(out, 'one encoded frame');
    assert.equal(out.keyframe, true);
    assert.equal(out.timestamp, BASE_TIMESTAMP, "the camera frame's RTP timestamp");
    assert.deepEqual([out.width, out.height, out.sentWidth, out.sentHeight, out.dropped], [WIDTH, HEIGHT, WIDTH, HEIGHT, 0]);
    // Inverted in limited-range YUV: Y' = 251 - Y.
    const [source, result] = [meanLuma(clip.frames[0]!), meanLuma(out.data)];
    assert.ok(Math.abs(result - (251 - source)) < 12, `mean luma ${source.toFixed(1)} -> ${result.toFixed(1)}`);
    await loop.receive({ type: 'close' });
  });

  it('of a burst of queued frames, decodes each but filters and encodes only the newest, and counts the rest as dropped', async () => {
    const { loop, queue, encoded } = frameLoop();
    await loop.receive(init(slow));
    await loop.receive(frame(0));
    assert.equal(encoded().length, 1);
    queue.push(frame(2), frame(3), frame(4), frame(5));
    await loop.receive(frame(1));
    const burst = encoded().slice(1);
    assert.deepEqual(
      burst.map((e) => [e.timestamp, e.dropped]),
      [[BASE_TIMESTAMP + 5 * 3000, 4]],
      'frame 5 only; 1-4 decoded and replaced',
    );
    assert.equal(queue.length, 0);
    await loop.receive({ type: 'close' });
  });

  it(`sends frames of a burst while their work adds up to ${CATCH_UP_MS} ms (a retransmission released them at once)`, async () => {
    const { loop, queue, encoded } = frameLoop();
    await loop.receive(init(invert));
    await loop.receive(frame(0));
    // Three bursts of 5: a frame costs ~1 ms here, but a busy machine may stall one past the allowance.
    let caughtUpOnce = false;
    for (const first of [1, 6, 11]) {
      const before = encoded().length;
      queue.push(frame(first + 1), frame(first + 2), frame(first + 3), frame(first + 4));
      await loop.receive(frame(first));
      const [previous, ...burst] = encoded().slice(before - 1);
      const sent = burst.map((e) => (e.timestamp - BASE_TIMESTAMP) / 3000);
      assert.equal(sent.at(-1), first + 4, 'the newest is always sent');
      assert.equal(
        burst.reduce((n, e) => n + e.dropped, 0),
        5 - burst.length,
        'each frame is sent or counted as dropped',
      );
      // The rule, replayed on the work each frame reported: catch up while the total stays within the allowance.
      let caughtUp = 0;
      let last = work(previous!);
      for (const e of burst.slice(0, -1)) {
        caughtUp += last;
        assert.ok(caughtUp <= CATCH_UP_MS, `caught up ${caughtUp.toFixed(1)} ms (frames ${sent.join(', ')})`);
        last = work(e);
      }
      if (burst.length < 5) assert.ok(caughtUp + last > CATCH_UP_MS, `stopped only when the next frame would overrun (${sent.join(', ')})`);
      caughtUpOnce ||= burst.length >= 2;
    }
    assert.ok(caughtUpOnce, 'a cheap filter catches up: more than the newest frame of a burst is sent');
    await loop.receive({ type: 'close' });
  });

  it("'pause' stops encoding (decoding goes on); a 'chain' after it resumes with a keyframe", async () => {
    const { loop, queue, encoded, drained } = frameLoop();
    await loop.receive(init(slow));
    await loop.receive(frame(0));
    await loop.receive(frame(1));
    assert.deepEqual(
      encoded().map((e) => e.keyframe),
      [true, false],
    );
    await loop.receive({ type: 'pause' });
    // A slow chain: no catch-up, so 2 and 3 are decoded and replaced while paused.
    queue.push(frame(3), frame(4));
    await loop.receive(frame(2));
    assert.deepEqual(drained, [1, 1, 3], 'each batch of frames taken is said, for the backlog');
    assert.equal(encoded().length, 2, 'nothing encoded while paused');
    await loop.receive({ type: 'chain', chain: slow });
    await loop.receive(frame(5));
    const resumed = encoded()[2]!;
    assert.equal(resumed.timestamp, BASE_TIMESTAMP + 5 * 3000);
    assert.equal(resumed.keyframe, true, 'the camera decodes our stream again from a keyframe');
    assert.equal(resumed.dropped, 0, 'frames decoded while paused are not counted as dropped');
    await loop.receive({ type: 'close' });
  });

  it('starts paused without a chain; a frame it cannot decode asks for a keyframe', async () => {
    const { loop, posted, encoded } = frameLoop();
    await loop.receive(init());
    await loop.receive(frame(0));
    assert.deepEqual(posted[1], { type: 'size', width: WIDTH, height: HEIGHT }, 'decoded: the size is known');
    assert.equal(encoded().length, 0);
    await loop.receive({ type: 'frame', data: new Uint8Array(50).fill(0xff), timestamp: BASE_TIMESTAMP + 3000 });
    assert.deepEqual(posted.at(-1), { type: 'need-keyframe', reason: 'decode error', decodeError: true }, 'counted as a decode error');
    await loop.receive({ type: 'close' });
  });

  it("'close' frees the codecs and lets go of the port; later messages do nothing", async () => {
    const { loop, posted, closes } = frameLoop();
    await loop.receive(init(invert));
    await loop.receive(frame(0));
    const count = posted.length;
    await loop.receive({ type: 'close' });
    assert.equal(closes(), 1);
    await loop.receive(frame(1));
    await loop.receive({ type: 'keyframe' });
    assert.equal(posted.length, count, 'no frame, no error');
  });
});
