import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../../electron/core/base/http-error.js';
import { parseOffer } from '../../../electron/core/session/offer-request.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n';

describe('parseOffer: the camera page’s device', () => {
  it('takes {id, facing}, and tells whether the offer named a filter', () => {
    const offer = parseOffer({ sdp: SDP, type: 'offer', device: { id: 'a1-b_2', facing: 'environment' } });
    assert.deepEqual(offer.device, { id: 'a1-b_2', facing: 'environment' });
    assert.equal(offer.videoTransformGiven, false);
    assert.equal(parseOffer({ sdp: SDP, type: 'offer', video_transform: 'edges' }).videoTransformGiven, true);
    assert.equal(parseOffer({ sdp: SDP, type: 'offer' }).device, undefined);
  });

  for (const device of [{ id: 'x' }, { id: '../etc', facing: 'user' }, { id: 'x'.repeat(65), facing: 'user' }, 'phone', null]) {
    it(`refuses device ${JSON.stringify(device).slice(0, 40)} with a 400`, () => {
      assert.throws(
        () => parseOffer({ sdp: SDP, type: 'offer', device }),
        (error) => error instanceof HttpError && error.status === 400,
      );
    });
  }
});
