import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Forwarding } from '../../../electron/core/send/forwarding.js';

it('into forwarding: processed frames go on until the camera keyframe switches, then are dropped', () => {
  const state = new Forwarding(false);
  assert.equal(state.processedFrame(false), 'send');
  assert.equal(state.want(true), true, 'the camera is asked for a keyframe');
  assert.equal(state.settled, false);
  assert.equal(state.browserFrame(false), false, 'not at a delta frame');
  assert.equal(state.processedFrame(false), 'send', 'meanwhile ours still go back');
  assert.equal(state.browserFrame(true), true, 'its keyframe switches');
  assert.equal(state.now, true);
  assert.equal(state.settled, true);
  assert.equal(state.processedFrame(true), 'drop', 'a late processed frame is not sent');
  assert.equal(state.browserFrame(true), false, 'already forwarding');
});

it("out of forwarding: the camera's packets go on until the worker's first keyframe takes over", () => {
  const state = new Forwarding(true);
  assert.equal(state.settled, true);
  assert.equal(state.want(false), false, 'no keyframe of the camera needed');
  assert.equal(state.settled, false, 'the worker has work again');
  assert.equal(state.now, true);
  assert.equal(state.processedFrame(false), 'drop', 'not from a delta frame');
  assert.equal(state.browserFrame(true), false, 'the camera does not take it back');
  assert.equal(state.processedFrame(true), 'switch');
  assert.equal(state.now, false);
  assert.equal(state.processedFrame(false), 'send');
});

it('a change of mind before the switch costs nothing', () => {
  const state = new Forwarding(false);
  state.want(true);
  assert.equal(state.want(false), false);
  assert.equal(state.browserFrame(true), false, 'the keyframe asked for no longer switches');
  assert.equal(state.processedFrame(false), 'send');
});
