import assert from 'node:assert/strict';
import { it } from 'node:test';
import { resolveMdnsCandidates } from '../../../electron/core/webrtc/mdns-candidates.js';

it("mDNS host candidates get the address the phone's HTTP request came from; other candidates are left alone", () => {
  const sdp = [
    'm=video 9 UDP/TLS/RTP/SAVPF 120',
    'a=candidate:0 1 UDP 2122252543 58f2203c-be3b-4249-befb-bdb1bf52f93b.local 52698 typ host',
    'a=candidate:1 1 TCP 2105524479 58f2203c-be3b-4249-befb-bdb1bf52f93b.local 9 typ host tcptype active',
    'a=candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 0.0.0.0 rport 0',
    'a=candidate:3 1 udp 2122260223 192.168.1.20 50000 typ host',
    '',
  ].join('\r\n');
  const out = resolveMdnsCandidates(sdp, '::ffff:10.77.1.2').split('\r\n');
  assert.equal(out[1], 'a=candidate:0 1 UDP 2122252543 10.77.1.2 52698 typ host');
  assert.equal(out[2], 'a=candidate:1 1 TCP 2105524479 10.77.1.2 9 typ host tcptype active');
  assert.equal(out[3], 'a=candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 0.0.0.0 rport 0');
  assert.equal(out[4], 'a=candidate:3 1 udp 2122260223 192.168.1.20 50000 typ host');
  assert.equal(resolveMdnsCandidates(sdp, '::1'), sdp, 'no IPv4 source: unchanged');
  assert.equal(resolveMdnsCandidates(sdp, undefined), sdp);
});
