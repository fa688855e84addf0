import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FrameShare } from '../../../electron/core/session/frame-share.js';
import { SessionFeed } from '../../../electron/core/session/session-feed.js';
import type { Session } from '../../../electron/core/session/session.js';
import { Sessions } from '../../../electron/core/session/sessions.js';

/** A camera whose frames come at `fps` (counted on each info), decoded by a worker or forwarded. */
function camera(id: string, { forwarding = false, fps = 30 } = {}) {
  let framesReceived = 0;
  return {
    id,
    rates: null,
    sendFps: null as number | null,
    onChange() {},
    onClose() {},
    info: () => ({
      id,
      framesReceived: (framesReceived += fps / 10),
      framesSent: 0,
      forwarding,
      stats: { timings: { decodeMs: 2, transformMs: 3, encodeMs: 4 } },
      network: { receivedBps: 0, sentBps: 0, rttMs: null, lossInPct: null, lossOutPct: null },
    }),
  };
}

it('asks the cameras whose frames are decoded for their share of the machine, and no others', async () => {
  const sessions = new Sessions();
  const decoded = [camera('a'), camera('b')];
  const others = [camera('forwarded', { forwarding: true }), camera('silent', { fps: 0 })];
  const counts: number[] = [];
  const share = { update: (cameras: number) => (counts.push(cameras), 7) } as unknown as FrameShare;
  const feed = new SessionFeed(sessions, share, 20);
  for (const c of [...decoded, ...others]) sessions.add(c as unknown as Session);
  await new Promise((r) => setTimeout(r, 150));
  feed.close();
  assert.equal(counts.at(-1), 2, `the cameras sharing the machine (counted: ${counts.join(', ')})`);
  assert.deepEqual(
    decoded.map((c) => c.sendFps),
    [7, 7],
  );
  assert.deepEqual(
    others.map((c) => c.sendFps),
    [null, null],
    'a forwarded camera costs next to nothing, a silent one nothing',
  );
});
