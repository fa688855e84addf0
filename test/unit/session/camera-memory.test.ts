import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SettingsStore } from '../../../electron/core/base/settings-store.js';
import { CameraMemory } from '../../../electron/core/session/camera-memory.js';
import type { CameraDevice, OfferRequest } from '../../../electron/core/session/offer-request.js';
import type { Session } from '../../../electron/core/session/session.js';
import { parseChain, type TransformChain } from '../../../electron/core/transforms/chain.js';

/** What CameraMemory uses of a Session: its device, its chain, its changes. */
class FakeSession {
  private listeners: (() => void)[] = [];
  constructor(
    readonly device: CameraDevice | undefined,
    public chain: TransformChain,
  ) {}
  info() {
    return { transform: this.chain };
  }
  onChange(listener: () => void) {
    this.listeners.push(listener);
  }
  setTransform(chain: TransformChain) {
    this.chain = chain;
    for (const listener of this.listeners) listener();
  }
  flip(facing: CameraDevice['facing']) {
    this.device!.facing = facing;
    for (const listener of this.listeners) listener();
  }
}

const offer = (device: CameraDevice | undefined, given: boolean, chain = 'none'): OfferRequest =>
  ({
    sdp: 'v=0',
    type: 'offer',
    videoTransform: parseChain(chain),
    videoTransformGiven: given,
    device,
    videoCodecs: [],
    audioCodecs: [],
  }) as OfferRequest;

const edges = parseChain([{ id: 'edges', params: { low: 50 } }]);
const cartoon = parseChain('cartoon');

describe('CameraMemory', () => {
  it("gives a known phone camera its last filter when the offer names none; the offer's own filter wins; unknown cameras get theirs", async () => {
    const store = await SettingsStore.open();
    const memory = new CameraMemory(store);
    const phone = { id: 'phone-1', facing: 'user' as const };
    const session = new FakeSession({ ...phone }, parseChain('none'));
    memory.follow(session as unknown as Session);
    session.setTransform(edges);
    assert.deepEqual(memory.restore(offer({ ...phone }, false)).videoTransform, edges);
    assert.deepEqual(memory.restore(offer({ ...phone }, true, 'cartoon')).videoTransform, cartoon, 'asked for: given');
    assert.deepEqual(memory.restore(offer({ id: 'phone-2', facing: 'user' }, false)).videoTransform, parseChain('none'));
    assert.deepEqual(memory.restore(offer({ id: 'phone-1', facing: 'environment' }, false)).videoTransform, parseChain('none'));
    assert.deepEqual(memory.restore(offer(undefined, false)).videoTransform, parseChain('none'), 'no device: nothing to recall');
  });

  it("a flip recalls the other camera's filter (or keeps the current one for it when it has none)", async () => {
    const store = await SettingsStore.open();
    const memory = new CameraMemory(store);
    const session = new FakeSession({ id: 'phone-1', facing: 'user' }, edges);
    memory.follow(session as unknown as Session);
    session.flip('environment');
    assert.deepEqual(session.chain, edges, 'the back camera had none: it keeps the current one');
    session.setTransform(cartoon);
    session.flip('user');
    assert.deepEqual(session.chain, edges, "the front camera's filter comes back");
    session.flip('environment');
    assert.deepEqual(session.chain, cartoon, "and the back camera's");
  });

  it('a remembered filter that no longer parses (a plugin removed, a hand edit) is ignored', async () => {
    const store = await SettingsStore.open();
    await store.update({ cameras: { 'phone-1/user': { chain: [{ id: 'no-such-filter' }], at: 1 } } });
    const memory = new CameraMemory(store);
    assert.deepEqual(memory.restore(offer({ id: 'phone-1', facing: 'user' }, false)).videoTransform, parseChain('none'));
  });
});
