import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Forwarding } from '../../../electron/core/send/forwarding.js';
import type { TransformChain } from '../../../electron/core/transforms/chain.js';

const none: TransformChain = [{ id: 'none', params: {} }];
const edges: TransformChain = [{ id: 'edges', params: { low: 100, high: 200 } }];

it('into forwarding: processed frames go on until the camera keyframe switches, then are dropped', () => {
  const state = new Forwarding(edges);
  assert.equal(state.processedFrame(false), 'send');
  assert.deepEqual(state.setChain(none), { askCamera: true }, 'the camera is asked for a keyframe; the worker keeps its chain');
  assert.equal(state.settled, false);
  assert.equal(state.cameraFrame(false).switched, false, 'not at a delta frame');
  assert.equal(state.processedFrame(false), 'send', 'meanwhile ours still go back');
  assert.equal(state.cameraFrame(true).switched, true, 'its keyframe switches');
  assert.equal(state.now, true);
  assert.equal(state.settled, true);
  assert.equal(state.processedFrame(true), 'drop', 'a late processed frame is not sent');
  assert.equal(state.cameraFrame(true).switched, false, 'already forwarding');
});

it("out of forwarding: the camera's packets go on until the worker's first keyframe takes over", () => {
  const state = new Forwarding(none);
  assert.equal(state.settled, true);
  assert.deepEqual(
    state.setChain(edges),
    { askCamera: true, worker: { chain: edges } },
    'the worker was idle: it resumes at a camera keyframe',
  );
  assert.equal(state.settled, false, 'the worker has work again');
  assert.equal(state.now, true);
  assert.equal(state.processedFrame(false), 'drop', 'not from a delta frame');
  assert.equal(state.cameraFrame(true).switched, false, 'the camera does not take it back');
  assert.equal(state.processedFrame(true), 'switch');
  assert.equal(state.now, false);
  assert.equal(state.processedFrame(false), 'send');
});

it('a change of mind before the switch costs nothing', () => {
  const state = new Forwarding(edges);
  state.setChain(none);
  assert.deepEqual(state.setChain(edges), { askCamera: false, worker: { chain: edges } });
  assert.equal(state.cameraFrame(true).switched, false, 'the keyframe asked for no longer switches');
  assert.equal(state.processedFrame(false), 'send');
});

it('a chain change between filters asks the camera for nothing', () => {
  const state = new Forwarding(edges);
  const invert: TransformChain = [{ id: 'invert', params: {} }];
  assert.deepEqual(state.setChain(invert), { askCamera: false, worker: { chain: invert } });
});

it('feeds the worker until the size is known, pauses while forwarding, resumes only at a keyframe', () => {
  const state = new Forwarding(none);
  assert.equal(state.cameraFrame(true).feedWorker, true, 'size unknown: decode even when forwarding');
  state.sizeFound();
  assert.equal(state.cameraFrame(false).feedWorker, false, 'forwarding: nothing to decode');
  state.setChain(edges);
  assert.equal(state.cameraFrame(false).feedWorker, false, 'a filter again, but mid-chain: wait');
  assert.equal(state.cameraFrame(true).feedWorker, true, 'resumes at the keyframe');
  assert.equal(state.cameraFrame(false).feedWorker, true, 'and keeps feeding');
});
