import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as werift from 'werift';
import {
  GenericNack,
  MediaStreamTrack,
  RTCPeerConnection,
  RtcpTransportLayerFeedback,
  RTP_EXTENSION_URI,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';
import { videoCodecList, videoHeaderExtensions } from '../../../electron/core/webrtc/media-config.js';
import {
  dtlsSocketOf,
  filterInboundRtp,
  interceptSentRtp,
  newestSentSequence,
  watchSenderRtcp,
  replaceReceiverTwcc,
  senderExtensionId,
  srtcpSessionOf,
  tolerateRepeatedHelloVerifyRequests,
  type TwccReceiver,
} from '../../../electron/core/webrtc/werift-internals.js';

// Each assumption werift-internals.ts makes about werift's insides, checked against the installed
// werift with two real peers on loopback: an upgrade that breaks one fails here, by name.
describe('werift internals CamLoop relies on', () => {
  let sender: RTCPeerConnection;
  let receiver: RTCPeerConnection;
  let sending: RTCRtpTransceiver;
  let receiving: RTCRtpTransceiver;
  const track = new MediaStreamTrack({ kind: 'video' });

  before(async () => {
    const config = () => ({ codecs: { video: videoCodecList(['vp8']) }, headerExtensions: { video: videoHeaderExtensions() } });
    [sender, receiver] = [new RTCPeerConnection(config()), new RTCPeerConnection(config())];
    sending = sender.addTransceiver(track, { direction: 'sendonly' });
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription(sender.localDescription!);
    receiving = receiver.getTransceivers()[0]!;
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription(receiver.localDescription!);
    const connected = (pc: RTCPeerConnection) =>
      new Promise<void>((resolve) =>
        pc.connectionState === 'connected' ? resolve() : pc.connectionStateChange.subscribe((s) => s === 'connected' && resolve()),
      );
    await Promise.all([connected(sender), connected(receiver)]);
  });
  after(async () => {
    await Promise.all([sender.close(), receiver.close()]);
  });

  let sequence = 0;
  const sendPackets = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const header = new RtpHeader({ payloadType: 96, sequenceNumber: sequence++, timestamp: sequence * 3000, ssrc: 1234, marker: true });
      track.writeRtp(new RtpPacket(header, Buffer.from([0x10, 0x00, 0x9d, 0x01, 0x2a, i])));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  };

  it('the sender keeps its negotiated header extensions (uri, id) in `headerExtensions`', () => {
    const id = senderExtensionId(sending.sender, RTP_EXTENSION_URI.transportWideCC);
    const inSdp = sender.localDescription!.sdp.match(
      /a=extmap:(\d+) http:\/\/www\.ietf\.org\/id\/draft-holmer-rmcat-transport-wide-cc-extensions-01/,
    )?.[1];
    assert.equal(typeof id, 'number');
    assert.equal(String(id), inSdp);
  });

  it("the DTLS transport's `sendRtp(payload, header)` sees every packet with its final header (transport-wide number included)", async () => {
    const twccId = senderExtensionId(sending.sender, RTP_EXTENSION_URI.transportWideCC);
    const seen: number[] = [];
    const restore = interceptSentRtp(sending.sender.dtlsTransport, (_payload, header) => {
      const extension = header.extensions.find((e) => e.id === twccId);
      if (extension) seen.push(extension.payload.readUInt16BE(0));
    });
    await sendPackets(5);
    restore();
    await sendPackets(2);
    assert.equal(seen.length, 5, 'each packet once, none after the undo');
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    assert.equal(new Set(seen).size, 5, 'each with its own transport-wide number');
  });

  it("the receiver calls `receiverTWCC.handleTWCC(seq)` per packet; once ours replaces werift's own, werift's is never called and its loop is off", async () => {
    const internals = receiving.receiver as unknown as { receiverTWCC?: TwccReceiver };
    const theirs = internals.receiverTWCC;
    assert.ok(theirs, 'werift made its ReceiverTWCC (for the first packet, or an offer with a=ssrc)');
    let theirCalls = 0;
    const handle = theirs.handleTWCC.bind(theirs);
    theirs.handleTWCC = (seq) => {
      theirCalls++;
      handle(seq);
    };
    const numbers: number[] = [];
    const ours: TwccReceiver = { twccRunning: true, handleTWCC: (seq) => void numbers.push(seq) };
    // 0.25.2 leaves its loop off; as a werift that runs it would, it must be switched off.
    theirs.twccRunning = true;
    replaceReceiverTwcc(receiving.receiver, ours);
    assert.equal(theirs.twccRunning, false, "werift's timer loop runs only while twccRunning: switched off");
    await sendPackets(4);
    assert.equal(theirCalls, 0, "werift's own hears nothing more (it sends feedback only from handleTWCC and its loop)");
    assert.equal(numbers.length, 4);
    assert.ok(
      numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1),
      `consecutive: ${numbers.join(',')}`,
    );
  });

  it('after DTLS connects, a transport has `srtcp` whose decrypt every RTCP packet in passes', async () => {
    const srtcp = srtcpSessionOf(receiving.receiver.dtlsTransport);
    assert.ok(srtcp);
    let decrypted = 0;
    const decrypt = srtcp.decrypt.bind(srtcp);
    srtcp.decrypt = (data) => {
      decrypted++;
      return decrypt(data);
    };
    await sending.sender.dtlsTransport.sendRtcp([]).catch(() => {});
    await sendPackets(2);
    // The sender's reports come at least once a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    srtcp.decrypt = decrypt;
    assert.ok(decrypted > 0, 'RTCP from the sender went through it');
  });

  it("the DTLS transport's socket (`dtls`) has the record state, cipher and transport an alert needs", () => {
    const socket = dtlsSocketOf(sending.sender.dtlsTransport);
    assert.ok(socket);
    assert.equal(typeof socket.dtls.epoch, 'number');
    assert.equal(typeof socket.dtls.recordSequenceNumber, 'number');
    assert.deepEqual(Object.keys(socket.dtls.version).sort(), ['major', 'minor']);
  });

  it('every RTP packet in goes through `router.routeRtp` (read at call time): one filtered there never reaches the track', async () => {
    let admitted = false;
    let asked = 0;
    filterInboundRtp(receiver, () => (asked++, admitted));
    const seen: number[] = [];
    const { unSubscribe } = receiving.receiver.track!.onReceiveRtp.subscribe((packet) => void seen.push(packet.header.sequenceNumber));
    // Retransmissions (NACKed, sent again as RTX) pass the same filter.
    await sendPackets(4);
    assert.ok(asked >= 4, `the filter saw each packet (${asked})`);
    assert.deepEqual(seen, [], 'none of them reached the track');
    admitted = true;
    await sendPackets(2);
    unSubscribe();
    assert.ok(seen.length >= 2, `admitted ones do: ${seen.join(',')}`);
  });

  it("the router hands a NACK to the sender's `handleRtcpPacket` (an instance may replace it), whose trimmed `lost` is all it resends", async () => {
    await sendPackets(4);
    const newest = newestSentSequence(sending.sender);
    assert.equal(typeof newest, 'number', "the sender's newest sequence number (a private field)");
    const nack = (lost: number[]) =>
      new RtcpTransportLayerFeedback({
        feedback: new GenericNack({ senderSsrc: receiving.receiver.rtcpSsrc, mediaSourceSsrc: sending.sender.ssrc, lost }),
      });
    const resends = async (trim: boolean) => {
      let sent = 0;
      const restoreSent = interceptSentRtp(sending.sender.dtlsTransport, () => sent++);
      const restoreWatch = watchSenderRtcp(sending.sender, (packet) => {
        if (trim && packet instanceof RtcpTransportLayerFeedback && packet.feedback instanceof GenericNack) packet.feedback.lost = [];
      });
      await receiving.receiver.dtlsTransport.sendRtcp([nack([newest!, (newest! - 1) & 0xffff])]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      restoreWatch();
      restoreSent();
      return sent;
    };
    assert.equal(await resends(false), 2, 'both resent as they were asked for');
    assert.equal(await resends(true), 0, 'none resent once the list is trimmed');
  });
});

describe("werift's DTLS client and a repeated HelloVerifyRequest", () => {
  const DtlsClient = (werift as unknown as { DtlsClient: { prototype: object } }).DtlsClient;
  /** A complete (unfragmented) handshake message of a type, as the socket assembles them. */
  const message = (msg_type: number) => ({ msg_type, fragment_length: 4, length: 4, fragment_offset: 0 });
  /** The socket's own step from records to handshakes, on a client at `flight` (or on another kind of socket). */
  const assemble = (flight: number, client = true) => {
    const socket = Object.create(client ? DtlsClient.prototype : Object.getPrototypeOf(DtlsClient.prototype));
    Object.assign(socket, { dtls: { flight }, bufferFragmentedHandshakes: [] });
    return (socket.handleFragmentHandshake([message(3), message(2)]) as { msg_type: number }[]).map((h) => h.msg_type);
  };

  it("werift's DtlsClient is exported at run time, and its DtlsSocket assembles handshakes in handleFragmentHandshake (where the drop hooks)", () => {
    assert.equal(typeof Object.getPrototypeOf(DtlsClient.prototype).handleFragmentHandshake, 'function');
    assert.match(String((werift as unknown as Record<string, unknown>).DtlsClient), /class/);
  });

  it('is dropped once our ClientHello with its cookie went out, and only then, and only by clients', () => {
    tolerateRepeatedHelloVerifyRequests();
    assert.deepEqual(assemble(1), [3, 2], 'the first one goes through');
    assert.deepEqual(assemble(3), [2], 'a late repeat is dropped');
    assert.deepEqual(assemble(3, false), [3, 2], 'servers are left alone');
  });
});
