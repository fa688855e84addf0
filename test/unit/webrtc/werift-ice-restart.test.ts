import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RTCPeerConnection, type RTCDataChannel } from 'werift';
import { renewIceSockets, startRestartedIce } from '../../../electron/core/webrtc/werift-internals.js';

// The two reaches an answerer-side ICE restart needs (werift-internals.ts), checked against the
// installed werift with two real peers on loopback: if werift starts restarted agents by itself, or
// keeps its sockets elsewhere, this fails first and says which.
describe('werift internals an ICE restart relies on', () => {
  let offerer: RTCPeerConnection;
  let answerer: RTCPeerConnection;
  let ours: RTCDataChannel;
  const received: string[] = [];
  const hostPort = (sdp: string) => sdp.match(/a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/)?.[1];

  before(async () => {
    [offerer, answerer] = [new RTCPeerConnection({ iceUseIpv6: false }), new RTCPeerConnection({ iceUseIpv6: false })];
    const theirs = offerer.createDataChannel('control');
    theirs.onMessage.subscribe((data) => received.push(String(data)));
    const opened = new Promise<RTCDataChannel>((resolve) => answerer.onDataChannel.subscribe(resolve));
    await offerer.setLocalDescription(await offerer.createOffer());
    await answerer.setRemoteDescription(offerer.localDescription!);
    await answerer.setLocalDescription(await answerer.createAnswer());
    await offerer.setRemoteDescription(answerer.localDescription!);
    ours = await opened;
    await new Promise<void>((resolve) =>
      ours.readyState === 'open' ? resolve() : ours.stateChanged.subscribe((s) => s === 'open' && resolve()),
    );
  });
  after(async () => {
    await Promise.all([offerer.close(), answerer.close()]);
  });

  it('a re-offer with new credentials restarts the answerer’s agent, on new sockets (renewIceSockets); started (startRestartedIce), it nominates a pair and sends again', async () => {
    const [transport] = answerer.iceTransports;
    const dtls = answerer.sctpTransport!.dtlsTransport;
    const firstPort = hostPort(answerer.localDescription!.sdp);
    const oldSockets = [...(transport!.connection as unknown as { protocols: object[] }).protocols];
    const restartsBefore = transport!.iceRestarts;

    await offerer.setLocalDescription(await offerer.createOffer({ iceRestart: true }));
    await answerer.setRemoteDescription(offerer.localDescription!);
    assert.equal(transport!.iceRestarts, restartsBefore + 1, 'iceRestarts counts the restart (how restarted transports are found)');
    renewIceSockets([transport!]);
    assert.deepEqual(
      (transport!.connection as unknown as { protocols: object[] }).protocols,
      [],
      'the agent keeps its sockets in `protocols`',
    );
    await answerer.setLocalDescription(await answerer.createAnswer());
    await offerer.setRemoteDescription(answerer.localDescription!);
    assert.equal(answerer.sctpTransport!.dtlsTransport, dtls, 'the same DTLS transport');
    assert.notEqual(hostPort(answerer.localDescription!.sdp), firstPort, 'the answer gathered on new sockets');
    assert.ok(!(transport!.connection as unknown as { protocols: object[] }).protocols.some((p) => oldSockets.includes(p)));
    // werift's offerer has the same early return: started here too, as the browserless phone would.
    void startRestartedIce(offerer.iceTransports);

    await Promise.all(startRestartedIce([transport!]));
    assert.ok(transport!.connection.nominated, 'a pair nominated once started');
    ours.send('after');
    const deadline = Date.now() + 5000;
    while (!received.includes('after') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(received.includes('after'), `the answerer sends again: ${received.join(',')}`);
  });
});
