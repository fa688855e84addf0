import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AssembledFrame } from '../../../electron/core/media/frames.js';
import { WorkerFeed } from '../../../electron/core/send/worker-feed.js';

const frame = (keyframe: boolean) => ({ keyframe }) as AssembledFrame;

it('WorkerFeed: feeds until the size is known, pauses while idle, resumes only at a keyframe', () => {
  const feed = new WorkerFeed();
  assert.equal(feed.accepts(frame(true), true), true, 'size unknown: decode even when forwarding');
  feed.sizeKnown = true;
  assert.equal(feed.accepts(frame(false), true), false, 'idle: nothing to decode');
  assert.equal(feed.accepts(frame(false), false), false, 'a filter again, but mid-chain: wait');
  assert.equal(feed.accepts(frame(true), false), true, 'resumes at the keyframe');
  assert.equal(feed.accepts(frame(false), false), true, 'and keeps feeding');
});
