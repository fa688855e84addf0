import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Vp8RtpPayload } from 'werift';
import { vp8 } from '../../../electron/core/media/vp8.js';

/** A VP8 payload: descriptor bytes, then a payload header whose P bit says inter (1) or key (0). */
const payload = (descriptor: number[], keyframe: boolean) => Buffer.from([...descriptor, keyframe ? 0x10 : 0x11, 0x02, 0x03]);

const descriptors: Record<string, number[]> = {
  'no extension, start': [0x10],
  'no extension, not a start': [0x00],
  'start of partition 1': [0x11],
  'N bit set': [0x30],
  'picture id, 7 bits': [0x90, 0x80, 0x05],
  'picture id, 15 bits': [0x90, 0x80, 0x81, 0x23],
  'picture id 15 bits, TL0PICIDX, TID': [0x90, 0xe0, 0x80, 0x01, 0x07, 0x40],
  'TID/KEYIDX only': [0x90, 0x10, 0x20],
  'continuation with picture id': [0x80, 0x80, 0x85, 0x01],
};

it('reads the payload descriptor as werift does (start of a frame, keyframe), without werift', () => {
  for (const [name, descriptor] of Object.entries(descriptors)) {
    for (const keyframe of [true, false]) {
      const data = payload(descriptor, keyframe);
      const theirs = Vp8RtpPayload.deSerialize(data);
      assert.equal(vp8.startsFrame(data), theirs.sBit === 1 && theirs.pid === 0, `${name}: start`);
      assert.equal(vp8.isKeyframe([{ payload: data }]), theirs.isKeyframe, `${name}, ${keyframe ? 'key' : 'inter'}: keyframe`);
    }
  }
});
