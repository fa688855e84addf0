import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { HttpError } from '../../../electron/core/base/http-error.js';
import { parseSdpFragment } from '../../../electron/core/http/sdp-frag.js';
import { checkIfMatch, iceEtag, iceServerLinks } from '../../../electron/core/http/whip-http.js';

const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
  return 'ok';
};

describe('parseSdpFragment (RFC 8840)', () => {
  it("reads RFC 9725's trickle example: credentials, candidates with their m= line and mid, end-of-candidates", () => {
    const fragment = parseSdpFragment(
      [
        'a=group:BUNDLE 0 1',
        'm=audio 9 UDP/TLS/RTP/SAVPF 111',
        'a=mid:0',
        'a=ice-ufrag:EsAw',
        'a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1',
        'a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1',
        'a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0 ufrag EsAw network-id 2',
        'a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0 ufrag EsAw network-id 1',
        'm=video 9 UDP/TLS/RTP/SAVPF 96',
        'a=candidate:2 1 udp 1686052607 203.0.113.7 50000 typ srflx raddr 0.0.0.0 rport 0',
        'a=mid:1',
        'a=end-of-candidates',
        '',
      ].join('\r\n'),
    );
    assert.equal(fragment.iceUfrag, 'EsAw');
    assert.equal(fragment.icePwd, 'P2uYro0UCOQ4zxjKXaWCBui1');
    assert.equal(fragment.endOfCandidates, true);
    assert.deepEqual(
      fragment.candidates.map((c) => [c.sdpMLineIndex, c.sdpMid, c.candidate.split(' ')[4]]),
      [
        [0, '0', '192.0.2.1'],
        [0, '0', '198.51.100.2'],
        [0, '0', '192.0.2.1'],
        [1, '1', '203.0.113.7'],
      ],
      'a=mid may follow the candidates of its section',
    );
    assert.equal(fragment.candidates[0].candidate.startsWith('candidate:1387637174 1 udp'), true, 'without the a=');
  });

  it('takes credentials alone (an ICE restart) and a bare end-of-candidates', () => {
    assert.deepEqual(parseSdpFragment('a=ice-ufrag:x\na=ice-pwd:y\n'), {
      iceUfrag: 'x',
      icePwd: 'y',
      candidates: [],
      endOfCandidates: false,
    });
    assert.equal(parseSdpFragment('a=end-of-candidates\r\n').endOfCandidates, true);
  });

  it('refuses what is not an sdpfrag with 400', () => {
    for (const bad of [
      '',
      '\r\n',
      'hello',
      'm=video 9 RTP 0\r\na=candidate:1 1 udp 2 nonsense',
      'a=candidate:1 1 udp 2 192.0.2.1 9 typ host',
      'm=video 9 RTP 0\r\na=candidate:1 1 sctp 2 192.0.2.1 9 typ host',
    ]) {
      assert.equal(
        status(() => parseSdpFragment(bad)),
        400,
        JSON.stringify(bad),
      );
    }
  });
});

describe('WHIP resource headers', () => {
  const request = (ifMatch?: string) => ({ headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } }) as IncomingMessage;

  it('If-Match: absent or our ETag passes, * asks for an ICE restart (true), another ETag is stale (412)', () => {
    const etag = iceEtag('abcd');
    assert.equal(etag, '"abcd"');
    assert.equal(
      status(() => checkIfMatch(request(), etag)),
      'ok',
    );
    assert.equal(
      status(() => checkIfMatch(request('"abcd"'), etag)),
      'ok',
    );
    assert.equal(
      status(() => checkIfMatch(request('"old", "abcd"'), etag)),
      'ok',
    );
    assert.equal(checkIfMatch(request('*'), etag), true);
    assert.equal(checkIfMatch(request('"abcd"'), etag), false);
    assert.equal(
      status(() => checkIfMatch(request('"old"'), etag)),
      412,
    );
  });

  it('ICE servers become Link headers with their credentials quoted (RFC 9725 4.4)', () => {
    assert.deepEqual(
      iceServerLinks([
        { urls: 'stun:stun.example.net' },
        { urls: 'turn:turn.example.net?transport=udp', username: '1700000000:camloop', credential: 'pa"ss' },
      ]),
      [
        '<stun:stun.example.net>; rel="ice-server"',
        '<turn:turn.example.net?transport=udp>; rel="ice-server"; username="1700000000:camloop"; credential="pa\\"ss"; credential-type="password"',
      ],
    );
  });
});
