import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hasRtcpBye } from '../../../electron/core/webrtc/goodbye.js';

/** An RTCP packet: version 2, `count`, type, length in 32-bit words minus one, then the body. */
const rtcp = (type: number, body: Buffer, count = 1) => {
  const header = Buffer.from([0x80 | count, type, 0, 0]);
  header.writeUInt16BE(body.length / 4, 2);
  return Buffer.concat([header, body]);
};
const ssrc = Buffer.from([1, 2, 3, 4]);

it('finds an RTCP BYE anywhere in a compound packet, and nothing in one without', () => {
  const receiverReport = rtcp(201, ssrc, 0);
  const sdes = rtcp(202, Buffer.concat([ssrc, Buffer.from([1, 2, 0x41, 0x42, 0, 0, 0, 0])]));
  const bye = rtcp(203, ssrc);
  assert.equal(hasRtcpBye(Buffer.concat([receiverReport, sdes, bye])), true);
  assert.equal(hasRtcpBye(bye), true);
  assert.equal(hasRtcpBye(Buffer.concat([receiverReport, sdes])), false);
  assert.equal(hasRtcpBye(Buffer.alloc(2)), false, 'a runt is no BYE (and no throw)');
});

it("sayGoodbye sends a DTLS close_notify that the other end hears as one (werift's own close sends none)", async () => {
  const { RTCPeerConnection } = await import('werift');
  const { sayGoodbye, watchGoodbyes } = await import('../../../electron/core/webrtc/goodbye.js');
  const connectPair = async (goodbye: boolean) => {
    const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
    a.addTransceiver('video', { direction: 'sendrecv' });
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    const connected = (pc: InstanceType<typeof RTCPeerConnection>) =>
      new Promise<void>((resolve) =>
        pc.connectionState === 'connected' ? resolve() : pc.connectionStateChange.subscribe((s) => s === 'connected' && resolve()),
      );
    await Promise.all([connected(a), connected(b)]);
    const heard: string[] = [];
    watchGoodbyes(b, (how) => heard.push(how)).connected();
    if (goodbye) await sayGoodbye(a);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = [...heard];
    await Promise.all([a.close(), b.close()]);
    return before;
  };
  assert.deepEqual(await connectPair(true), ['DTLS close_notify']);
  assert.deepEqual(await connectPair(false), [], 'without it the other end hears nothing');
});
