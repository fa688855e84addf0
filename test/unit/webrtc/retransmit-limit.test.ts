import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RetransmitLimit } from '../../../electron/core/webrtc/retransmit-limit.js';

it('resends a packet at most twice, 100 ms apart, and only the ones werift still holds', () => {
  const limit = new RetransmitLimit();
  const newest = 1000;
  assert.deepEqual(limit.allow(999, newest, 0), { resend: true, refused: false });
  assert.deepEqual(limit.allow(999, newest, 50), { resend: false, refused: true }, 'too soon after the first');
  assert.deepEqual(limit.allow(999, newest, 150), { resend: true, refused: false });
  assert.deepEqual(limit.allow(999, newest, 500), { resend: false, refused: true }, 'a third time');
  assert.deepEqual(limit.allow(1000 - 200, newest, 500), { resend: false, refused: false }, 'older than the last 128: not held');
  assert.deepEqual(limit.allow(1001, newest, 500), { resend: false, refused: false }, 'never sent');
});

it('bounds what a NACK storm (every packet, 50 times a second) costs to twice what was sent', () => {
  const limit = new RetransmitLimit();
  let sent = 0;
  let resent = 0;
  let newest = 65_000;
  for (let ms = 0; ms < 10_000; ms += 20) {
    // 150 packets a second, across the 16-bit wrap.
    for (let i = 0; i < 3; i++, sent++) newest = (newest + 1) & 0xffff;
    // Every packet sent so far (the storm names up to 4000 at a time).
    for (let age = 0; age < Math.min(sent, 4000); age++) if (limit.allow((newest - age) & 0xffff, newest, ms).resend) resent++;
  }
  assert.ok(resent <= 2 * sent, `${resent} resent for ${sent} sent`);
  assert.ok(resent >= 1.5 * sent, `each still resent (${resent} for ${sent})`);
});
