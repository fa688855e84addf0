import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  MediaStreamTrack,
  PictureLossIndication,
  RTCPeerConnection,
  RtcpHeader,
  RtcpPayloadSpecificFeedback,
  type RTCRtpTransceiver,
} from 'werift';
import { videoCodecList } from '../../../electron/core/webrtc/media-config.js';
import { onPeerKeyframeRequest } from '../../../electron/core/webrtc/peer-keyframe-requests.js';

// Two werift peers, each sending video as a phone and CamLoop do: the "phone" signs its feedback
// with its own camera's SSRC, as Chromium does.
describe('keyframe requests from the peer', () => {
  let server: RTCPeerConnection;
  let phone: RTCPeerConnection;
  let serverSide: RTCRtpTransceiver;
  let phoneSide: RTCRtpTransceiver;

  before(async () => {
    const config = () => ({ codecs: { video: videoCodecList(['vp8']) } });
    [phone, server] = [new RTCPeerConnection(config()), new RTCPeerConnection(config())];
    phone.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendrecv' });
    await phone.setLocalDescription(await phone.createOffer());
    await server.setRemoteDescription(phone.localDescription!);
    serverSide = server.getTransceivers()[0]!;
    serverSide.setDirection('sendrecv');
    serverSide.sender.replaceTrack(new MediaStreamTrack({ kind: 'video' }));
    await server.setLocalDescription(await server.createAnswer());
    await phone.setRemoteDescription(server.localDescription!);
    phoneSide = phone.getTransceivers()[0]!;
    const connected = (pc: RTCPeerConnection) =>
      new Promise<void>((resolve) =>
        pc.connectionState === 'connected' ? resolve() : pc.connectionStateChange.subscribe((s) => s === 'connected' && resolve()),
      );
    await Promise.all([connected(server), connected(phone)]);
  });
  after(async () => {
    await Promise.all([server.close(), phone.close()]);
  });

  const send = async (feedback: RtcpPayloadSpecificFeedback['feedback']) => {
    await phoneSide.sender.dtlsTransport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback })]);
    await new Promise((resolve) => setTimeout(resolve, 150));
  };
  /** An RFC 5104 FIR as werift parses it off the wire (werift does not export the class). */
  const fir = (senderSsrc: number, targetSsrc: number) => {
    const fci = Buffer.alloc(16);
    fci.writeUInt32BE(senderSsrc, 0);
    fci.writeUInt32BE(targetSsrc, 8);
    fci.writeUInt8(1, 12);
    return RtcpPayloadSpecificFeedback.deSerialize(fci, new RtcpHeader({ type: RtcpPayloadSpecificFeedback.type, count: 4, length: 4 }))
      .feedback;
  };

  it("hears a PLI signed with the phone's own camera SSRC (werift's router hands that one to our receiver)", async () => {
    let ours = 0;
    let werifts = 0;
    const stop = onPeerKeyframeRequest(serverSide.sender, () => ours++);
    const { unSubscribe } = serverSide.sender.onPictureLossIndication.subscribe(() => werifts++);
    await send(new PictureLossIndication({ senderSsrc: phoneSide.sender.ssrc, mediaSsrc: serverSide.sender.ssrc }));
    unSubscribe();
    assert.equal(ours, 1);
    // Why the helper exists; if a werift upgrade routes it right, the helper may go.
    assert.equal(werifts, 0, "werift's own event missed it");
    await send(new PictureLossIndication({ senderSsrc: 1, mediaSsrc: serverSide.sender.ssrc }));
    assert.equal(ours, 2, 'and one signed with an SSRC werift does not know (a viewer)');
    stop();
    await send(new PictureLossIndication({ senderSsrc: 1, mediaSsrc: serverSide.sender.ssrc }));
    assert.equal(ours, 2, 'nothing after the unsubscribe');
  });

  it('hears a FIR naming our stream; ignores requests about other streams', async () => {
    let requests = 0;
    const stop = onPeerKeyframeRequest(serverSide.sender, () => requests++);
    await send(fir(phoneSide.sender.ssrc, serverSide.sender.ssrc));
    assert.equal(requests, 1);
    await send(fir(phoneSide.sender.ssrc, serverSide.sender.ssrc + 1));
    await send(new PictureLossIndication({ senderSsrc: 1, mediaSsrc: serverSide.sender.ssrc + 1 }));
    assert.equal(requests, 1);
    stop();
  });
});
