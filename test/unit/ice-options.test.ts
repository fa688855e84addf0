import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iceOptionsFor } from '../../electron/core/webrtc/peer-config.js';

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
