import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../electron/core/app/cli.js';
import { IceServers, turnRestCredentials, TURN_CREDENTIAL_TTL_S } from '../../../electron/core/webrtc/ice-servers.js';

describe('ICE servers', () => {
  it('TURN REST credentials: username expiry:camloop, password base64 HMAC-SHA1 under the secret', () => {
    // Reference value from Python: base64(hmac.new(b'north-sea', b'1700043200:camloop', sha1).digest())
    const now = (1700043200 - TURN_CREDENTIAL_TTL_S) * 1000;
    assert.deepEqual(turnRestCredentials('north-sea', now), { username: '1700043200:camloop', credential: 'hyqGSET8iKrzA/TFhoRC7KuegCY=' });
  });

  it('the page gets turn: URLs over UDP and TCP, with fresh credentials each time; our peers get them as given', () => {
    const ice = new IceServers({
      stun: ['stun:stun.example.org'],
      turn: ['turn:turn.example.org:3478', 'turns:turn.example.org:443?transport=tcp'],
      secret: 's',
    });
    const phone = ice.forPhone(1_000_000);
    assert.deepEqual(
      phone.map((s) => s.urls),
      [
        'stun:stun.example.org',
        'turn:turn.example.org:3478?transport=udp',
        'turn:turn.example.org:3478?transport=tcp',
        'turns:turn.example.org:443?transport=tcp',
      ],
    );
    assert.equal(phone[0]!.username, undefined, 'no credentials on STUN');
    assert.equal(phone[1]!.username, `${1000 + TURN_CREDENTIAL_TTL_S}:camloop`);
    assert.notEqual(ice.forPhone(2_000_000)[1]!.credential, phone[1]!.credential);
    assert.deepEqual(
      ice.forServer(1_000_000).map((s) => s.urls),
      ['stun:stun.example.org', 'turn:turn.example.org:3478', 'turns:turn.example.org:443?transport=tcp'],
    );
    const longTerm = new IceServers({ stun: [], turn: ['turn:t:3478'], username: 'u', password: 'p' }).forPhone();
    assert.deepEqual(
      longTerm.map((s) => [s.username, s.credential]),
      [
        ['u', 'p'],
        ['u', 'p'],
      ],
    );
  });

  it('--turn-secret: parsed, and refused with a clear message when it cannot work', () => {
    const config = parseConfig(['--turn', 'turn:10.0.0.1:3478', '--turn-secret', 'sh']);
    assert.match(String(config.iceServers.forServer()[0]!.username), /^\d+:camloop$/);
    assert.throws(() => parseConfig(['--turn-secret', 'sh']), /--turn-secret needs a --turn URL/);
    assert.throws(() => parseConfig(['--turn', 'turn:t', '--turn-secret', 'sh', '--turn-username', 'u']), /leave out --turn-username/);
    assert.throws(() => parseConfig(['--turn', 'turn:t']), /--turn needs --turn-secret, or --turn-username and --turn-password/);
    assert.throws(() => parseConfig(['--turn', 'turn:t', '--turn-secret', '']), /must not be empty/);
  });
});
