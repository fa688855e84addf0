import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BROWSER_START_KBPS, hintStartBitrate, iceOptionsFor, videoCodecList } from '../../electron/core/webrtc/peer-config.js';

describe('iceOptionsFor', () => {
  it('gathers only on the LAN address the phone reached us at, in its IP family', () => {
    assert.deepEqual(iceOptionsFor('192.168.1.20'), { iceStunGatherTimeout: 2, iceInterfaceAddresses: { udp4: '192.168.1.20' }, iceUseIpv4: true, iceUseIpv6: false });
    assert.deepEqual(iceOptionsFor('::ffff:10.0.0.7').iceInterfaceAddresses, { udp4: '10.0.0.7' }, 'IPv4-mapped socket addresses');
    assert.deepEqual(iceOptionsFor('fd00::1234'), { iceStunGatherTimeout: 2, iceInterfaceAddresses: { udp6: 'fd00::1234' }, iceUseIpv4: false, iceUseIpv6: true });
  });

  it('leaves a browser on this machine, or an unknown address, with every interface', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', undefined, 'not-an-ip']) assert.deepEqual(iceOptionsFor(address), { iceStunGatherTimeout: 2 }, String(address));
  });
});

describe('hintStartBitrate', () => {
  it("adds the browser's start bitrate to each media codec of the answer, keeping their own parameters, not to RTX", () => {
    const codecs = videoCodecList(['vp8', 'h264']);
    hintStartBitrate(codecs);
    hintStartBitrate(codecs); // once only
    const hint = `x-google-start-bitrate=${BROWSER_START_KBPS}`;
    assert.deepEqual(
      codecs.map((c) => [c.mimeType, c.parameters]),
      [
        ['video/VP8', hint],
        ['video/rtx', undefined],
        ['video/H264', `profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1;${hint}`],
        ['video/rtx', undefined],
      ],
    );
  });
});
