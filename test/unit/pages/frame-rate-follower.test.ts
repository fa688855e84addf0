import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

interface Info {
  sendFps?: number | null;
  bitrate?: { max?: number | null } | null;
  forwarding?: boolean;
  stats?: { framesOut: number; dropped: number; sentWidth?: number; timings?: { decodeMs: number; transformMs: number; encodeMs: number } };
}
interface Follower {
  start(): void;
  follow(info: Info): void;
  set(fps: number | null): void;
}
type FollowerClass = new (apply: (fps: number | null) => void, now: () => number) => Follower;

// The camera page's own module (plain JS, served as is), driven here with a clock of the test's.
const { FrameRateFollower } = (await import(new URL('../../../../renderer/shared/frame-rate-follower.js', import.meta.url).href)) as {
  FrameRateFollower: FollowerClass;
};

/** A call whose server processes `processed` and drops `dropped` frames a second, reported each second. */
function call() {
  let now = 0;
  const applied: (number | null)[] = [];
  const follower = new FrameRateFollower(
    (fps) => applied.push(fps),
    () => now,
  );
  follower.start();
  const totals = { framesOut: 0, dropped: 0 };
  const seconds = (
    n: number,
    processed: number,
    dropped: number,
    extra: Info = {},
    timings?: { decodeMs: number; transformMs: number; encodeMs: number },
  ) => {
    for (let i = 0; i < n; i++) {
      now += 1000;
      totals.framesOut += processed;
      totals.dropped += dropped;
      follower.follow({ bitrate: { max: null }, stats: { ...totals, sentWidth: 640, timings }, ...extra });
    }
  };
  return { follower, applied, seconds };
}

describe("the camera page's frame-rate follower", () => {
  it('lowers the frame rate to what the server processes after 3 s of heavy drops, and no sooner', () => {
    const { applied, seconds } = call();
    seconds(1, 30, 0); // the first report sets the size and starts from the full rate
    applied.length = 0;
    seconds(3, 12, 18);
    assert.deepEqual(applied, [], 'two seconds of drops are not yet a trend');
    seconds(1, 12, 18);
    assert.deepEqual(applied, [13], '12 fps processed -> 13 (10 % headroom)');
  });

  it('raises it by a fifth after 5 s without drops, back to the camera rate at 30', () => {
    const { applied, seconds } = call();
    seconds(1, 30, 0);
    seconds(4, 12, 18);
    applied.length = 0;
    seconds(6, 13, 0);
    assert.deepEqual(applied, [16]);
    seconds(6, 16, 0);
    seconds(6, 19, 0);
    seconds(6, 23, 0);
    seconds(6, 28, 0);
    assert.deepEqual(applied, [16, 19, 23, 28, null]);
  });

  it('ignores drops from a worker with time to spare (repair bursts, the link budget), not from a busy one', () => {
    const { applied, seconds } = call();
    seconds(1, 30, 0);
    applied.length = 0;
    // 18 processed and 12 dropped a second at 2 ms decode, 8 ms transform + encode: 20 % busy.
    seconds(10, 18, 12, {}, { decodeMs: 2, transformMs: 3, encodeMs: 5 });
    assert.deepEqual(applied, []);
    // At 50 ms a frame the worker is full: the camera slows down.
    seconds(4, 18, 12, {}, { decodeMs: 2, transformMs: 30, encodeMs: 20 });
    assert.deepEqual(applied, [20]);
  });

  it('ignores drops under a fifth, and any while forwarding', () => {
    const { applied, seconds } = call();
    seconds(1, 30, 0);
    applied.length = 0;
    seconds(10, 26, 4);
    seconds(10, 0, 30, { forwarding: true });
    assert.deepEqual(applied, []);
  });

  it('never goes under 5 fps; a new cap or a new size of the picture back starts again from the full rate', () => {
    const { follower, applied, seconds } = call();
    seconds(1, 30, 0);
    seconds(4, 1, 29);
    assert.equal(applied.at(-1), 5);
    const capped = { bitrate: { max: 500_000 } };
    seconds(1, 1, 29, capped);
    assert.equal(applied.at(-1), null, 'a new cap');
    seconds(4, 1, 29, capped);
    assert.equal(applied.at(-1), 5);
    follower.follow({ ...capped, stats: { framesOut: 0, dropped: 0, sentWidth: 320 } });
    assert.equal(applied.at(-1), null, 'a new size back');
  });

  it("sends no more than the server's share of its machine, and the lower of the share and its own rule", () => {
    const { applied, seconds } = call();
    seconds(1, 30, 0);
    applied.length = 0;
    // A saturated machine: this camera's worker is not busy (shared by many), its own rule never acts.
    seconds(3, 6, 0, { sendFps: 7 });
    assert.deepEqual(applied, [7], 'the share, at once, and only once');
    seconds(2, 6, 0, { sendFps: 9 });
    seconds(1, 6, 0, { sendFps: null });
    assert.deepEqual(applied, [7, 9, null], 'a new share, then no limit');
    // Its own rule (a slow filter) asks for 13; the server's share is lower, then higher.
    seconds(4, 12, 18, { sendFps: null }, { decodeMs: 2, transformMs: 60, encodeMs: 20 });
    assert.equal(applied.at(-1), 13);
    seconds(1, 12, 0, { sendFps: 8 });
    assert.equal(applied.at(-1), 8);
    // Its own rule raises its own figure (13 -> 16) after 5 s without drops, whatever the share holds it to.
    seconds(5, 8, 0, { sendFps: 8 });
    seconds(1, 8, 0, { sendFps: 20 });
    assert.equal(applied.at(-1), 16, 'the own rule still holds under a higher share');
  });

  it('applies nothing before a call, and nothing twice', () => {
    const applied: (number | null)[] = [];
    const idle = new FrameRateFollower(
      (fps) => applied.push(fps),
      () => 0,
    );
    idle.set(12);
    assert.deepEqual(applied, []);
    idle.start();
    idle.set(12);
    idle.set(12);
    assert.deepEqual(applied, [12]);
  });
});
