import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  announceReceiveBitrate,
  BROWSER_START_KBPS,
  hintStartBitrate,
  receiveBitrateFor,
  videoCodecList,
} from '../../../electron/core/webrtc/media-config.js';
import { iceOptionsFor, putCandidatesFirst } from '../../../electron/core/webrtc/ice-config.js';

describe('iceOptionsFor', () => {
  it('gathers only on the LAN address the phone reached us at, in its IP family', () => {
    assert.deepEqual(iceOptionsFor('192.168.1.20'), {
      iceStunGatherTimeout: 2,
      iceInterfaceAddresses: { udp4: '192.168.1.20' },
      iceUseIpv4: true,
      iceUseIpv6: false,
    });
    assert.deepEqual(iceOptionsFor('::ffff:10.0.0.7').iceInterfaceAddresses, { udp4: '10.0.0.7' }, 'IPv4-mapped socket addresses');
    assert.deepEqual(iceOptionsFor('fd00::1234'), {
      iceStunGatherTimeout: 2,
      iceInterfaceAddresses: { udp6: 'fd00::1234' },
      iceUseIpv4: false,
      iceUseIpv6: true,
    });
  });

  it('leaves a browser on this machine, or an unknown address, with every interface', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', undefined, 'not-an-ip'])
      assert.deepEqual(iceOptionsFor(address), { iceStunGatherTimeout: 2 }, String(address));
  });

  it('adds a loopback candidate for a WHIP/WHEP client on this machine (werift never gathers on loopback)', () => {
    assert.deepEqual(iceOptionsFor('127.0.0.1', { withLoopback: true }), {
      iceStunGatherTimeout: 2,
      iceAdditionalHostAddresses: ['127.0.0.1'],
    });
    assert.deepEqual(iceOptionsFor('::ffff:127.0.0.1', { withLoopback: true }).iceAdditionalHostAddresses, ['127.0.0.1']);
    assert.deepEqual(
      iceOptionsFor('192.168.1.20', { withLoopback: true }),
      iceOptionsFor('192.168.1.20'),
      'a LAN address is gathered on as for phones',
    );
  });
});

describe('putCandidatesFirst', () => {
  it('moves the candidates on the address the client reached to the top of each m= section, the rest in their order', () => {
    const sdp = [
      'v=0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:0',
      'a=candidate:1 1 udp 2130706431 172.17.0.1 40001 typ host',
      'a=candidate:2 1 udp 2130706431 10.0.0.5 40002 typ host',
      'a=candidate:3 1 udp 2130706431 127.0.0.1 40003 typ host',
      'a=end-of-candidates',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=mid:1',
      'a=candidate:4 1 udp 2130706431 10.0.0.5 40004 typ host',
      'a=candidate:5 1 udp 2130706431 127.0.0.1 40005 typ host',
      '',
    ].join('\r\n');
    const ordered = putCandidatesFirst(sdp, '127.0.0.1').split('\r\n');
    assert.deepEqual(
      ordered.filter((line) => line.startsWith('a=candidate:')).map((line) => line.split(' ')[0].slice(12)),
      ['3', '1', '2', '5', '4'],
    );
    assert.equal(ordered.length, sdp.split('\r\n').length, 'no line lost or added');
    assert.equal(
      ordered.indexOf('a=mid:1') < ordered.findIndex((l) => l.startsWith('a=candidate:5')),
      true,
      'candidates stay in their section',
    );
    assert.equal(putCandidatesFirst(sdp, undefined), sdp);
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

describe('announceReceiveBitrate', () => {
  it("puts b=AS (kbps) after the video section's c= line, and nowhere else", () => {
    const sdp = [
      'v=0',
      'o=- 1 1 IN IP4 0.0.0.0',
      's=-',
      't=0 0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'c=IN IP4 0.0.0.0',
      'a=mid:1',
      '',
    ].join('\r\n');
    const announced = announceReceiveBitrate(sdp, 7_520_000);
    assert.equal(announced.match(/b=AS:/g)?.length, 1);
    assert.match(announced, /m=video 9 UDP\/TLS\/RTP\/SAVPF 96\r\nc=IN IP4 0\.0\.0\.0\r\nb=AS:7520\r\na=mid:1/);
    assert.equal(announceReceiveBitrate(announced, 1_000_000), announced, 'one already there is kept');
  });

  it('announces about 7.5 Mbps for 1080p (what a camera sends at most)', () => {
    assert.ok(Math.abs(receiveBitrateFor(1920 * 1088) - 7_500_000) < 100_000);
  });
});
