import * as werift from 'werift';
import type {
  RTCDtlsTransport,
  RTCIceTransport,
  RTCPeerConnection,
  RTCRtpReceiver,
  RTCRtpSender,
  RtcpPacket,
  RtpHeader,
  RtpPacket,
} from 'werift';

/**
 * Every place CamLoop reaches past werift's public API, each with why. werift is pinned to an exact
 * version (package.json, checked by a unit test), and test/unit/werift-internals.test.ts asserts
 * each assumption below against the installed werift with real peers: after an upgrade that
 * breaks one, that test fails first and says which, instead of a timing-sensitive e2e test.
 * Nothing else under electron/core may cast a werift object to reach inside it.
 */

/** What werift's RTCRtpReceiver calls for each packet with a transport-wide sequence number. */
export interface TwccReceiver {
  handleTWCC(transportSequenceNumber: number): void;
  /** werift's receiver.stop() sets this false on whatever receiverTWCC it holds. */
  twccRunning: boolean;
}

/**
 * Ours in place of werift's transport-cc feedback (receiver.receiverTWCC; its deltas drift, see
 * TwccFeedback). werift may have made its own already (for an offer with a=ssrc, as FFmpeg's and
 * aiortc's are): it reports only from handleTWCC and from a 100 ms loop that runs while
 * `twccRunning` (false in werift 0.25.2), so once no longer called and switched off it is inert.
 */
export function replaceReceiverTwcc(receiver: RTCRtpReceiver, ours: TwccReceiver): void {
  const internals = receiver as unknown as { receiverTWCC?: TwccReceiver };
  if (internals.receiverTWCC && internals.receiverTWCC !== ours) internals.receiverTWCC.twccRunning = false;
  internals.receiverTWCC = ours;
}

/** The id the sender negotiated for a header extension (werift keeps them in a private field). */
export function senderExtensionId(sender: RTCRtpSender, uri: string): number | undefined {
  const { headerExtensions } = sender as unknown as { headerExtensions?: { uri: string; id: number }[] };
  return headerExtensions?.find((extension) => extension.uri === uri)?.id;
}

/**
 * Sees every RTP packet the DTLS transport sends (all its senders' and RTX), with its final
 * header, as it goes: werift's own send report reads the transport-wide counter after an await.
 * Returns the undo.
 */
export function interceptSentRtp(transport: RTCDtlsTransport, onSend: (payload: Buffer, header: RtpHeader) => void): () => void {
  const sendRtp = transport.sendRtp;
  transport.sendRtp = function (payload: Buffer, header: RtpHeader) {
    onSend(payload, header);
    return sendRtp.call(this, payload, header);
  };
  return () => {
    transport.sendRtp = sendRtp;
  };
}

/** werift's SRTCP session of a transport (made when DTLS connects): every RTCP packet in passes its decrypt. */
export interface SrtcpSession {
  decrypt(data: Buffer): Buffer;
}

export function srtcpSessionOf(transport: RTCDtlsTransport): SrtcpSession | undefined {
  const srtcp = (transport as unknown as { srtcp?: SrtcpSession }).srtcp;
  return srtcp && typeof srtcp.decrypt === 'function' ? srtcp : undefined;
}

/** The parts of werift's DTLS socket (`transport.dtls`) that sending an alert needs: its `send` only sends application data. */
export interface DtlsSocket {
  dtls: { version: { major: number; minor: number }; epoch: number; recordSequenceNumber: number };
  cipher: { encryptPacket(record: DtlsRecord): DtlsRecord };
  transport: { send(data: Buffer): Promise<void> };
}

export interface DtlsRecord {
  recordLayerHeader: {
    contentType: number;
    protocolVersion: { major: number; minor: number };
    epoch: number;
    sequenceNumber: number;
    contentLen: number;
  };
  fragment: Buffer;
}

export function dtlsSocketOf(transport: RTCDtlsTransport): DtlsSocket | undefined {
  const socket = (transport as unknown as { dtls?: Partial<DtlsSocket> }).dtls;
  if (!socket?.dtls || typeof socket.cipher?.encryptPacket !== 'function' || typeof socket.transport?.send !== 'function') return undefined;
  return socket as DtlsSocket;
}

/** A DTLS handshake message as werift's DtlsSocket assembles it. */
interface Handshake {
  msg_type: number;
}
const HELLO_VERIFY_REQUEST = 3;
let helloVerifyTolerated = false;

/**
 * werift's DTLS client fails the connection on a second HelloVerifyRequest (its Flight3 throws
 * once flight 3 has gone out). That happens whenever the answer to its first ClientHello takes
 * over 500 ms, its first retransmission: the peer answers both. A busy machine, when many phones
 * connect at once, hit it in most handshakes. So a HelloVerifyRequest that comes after our
 * ClientHello with a cookie went out is dropped (our flight 3 is retransmitted until answered),
 * for every DTLS client in the process. werift exports DtlsClient at run time but not in its types.
 */
export function tolerateRepeatedHelloVerifyRequests(): void {
  if (helloVerifyTolerated) return;
  const DtlsClient = (werift as unknown as { DtlsClient?: { prototype: object } }).DtlsClient;
  const socket =
    DtlsClient && (Object.getPrototypeOf(DtlsClient.prototype) as { handleFragmentHandshake?: (m: Handshake[]) => Handshake[] });
  const original = socket?.handleFragmentHandshake;
  if (!DtlsClient || !socket || typeof original !== 'function') throw new Error("werift's DtlsSocket.handleFragmentHandshake is gone");
  socket.handleFragmentHandshake = function (this: { dtls: { flight: number } }, messages: Handshake[]): Handshake[] {
    const handshakes = original.call(this, messages);
    return this instanceof (DtlsClient as unknown as typeof Object) && this.dtls.flight >= 3
      ? handshakes.filter((h) => h.msg_type !== HELLO_VERIFY_REQUEST)
      : handshakes;
  };
  helloVerifyTolerated = true;
}

/**
 * Every RTP packet the peer's transports deliver, before werift's receivers (NACK, transport-cc,
 * stats, tracks) see it: `admit` false drops it. werift hands each to pc.router.routeRtp, read at
 * call time.
 */
export function filterInboundRtp(pc: RTCPeerConnection, admit: (packet: RtpPacket) => boolean): void {
  const router = (pc as unknown as { router: { routeRtp(packet: RtpPacket): void } }).router;
  const route = router.routeRtp;
  router.routeRtp = (packet: RtpPacket) => {
    if (admit(packet)) route.call(router, packet);
  };
}

/**
 * The RTCP werift's router hands `sender` (NACKs, keyframe requests, reports about its stream), seen
 * (and trimmable: a NACK's `lost` list) before the sender acts on it. Returns the undo.
 */
export function watchSenderRtcp(sender: RTCRtpSender, watch: (packet: RtcpPacket) => void): () => void {
  const handle = sender.handleRtcpPacket;
  const ours = function (this: RTCRtpSender, packet: RtcpPacket) {
    watch(packet);
    handle.call(this, packet);
  };
  sender.handleRtcpPacket = ours;
  return () => {
    if (sender.handleRtcpPacket === ours) sender.handleRtcpPacket = handle;
  };
}

/** How many of its newest packets werift's sender keeps to resend on a NACK (RTP_HISTORY_SIZE). */
export const WERIFT_RTP_HISTORY = 128;

/** The sequence number of the newest RTP packet `sender` sent (a private field), undefined before the first. */
export function newestSentSequence(sender: RTCRtpSender): number | undefined {
  return (sender as unknown as { sequenceNumber?: number }).sequenceNumber;
}

/** The sockets of werift's ICE agent (`transport.connection.protocols`), each closable. */
interface IceAgentSockets {
  protocols: { close?: () => Promise<void> }[];
}

/**
 * Between setRemoteDescription of an ICE-restart offer and setLocalDescription of its answer: the
 * restarted agents forget their sockets, so the answer's gathering opens new ones (and asks STUN and
 * TURN afresh). werift keeps them and re-advertises the same address:port under the new ufrag, which
 * a browser still holding a connection there under the old one answers with 401s (~2.5 s lost), and
 * never asks STUN again (the server-reflexive candidate is gone) while each restart adds a TURN relay.
 */
export function renewIceSockets(restarted: RTCIceTransport[]): void {
  for (const transport of restarted) {
    const agent = transport.connection as unknown as IceAgentSockets;
    const old = agent.protocols;
    agent.protocols = [];
    for (const socket of old) void socket.close?.().catch(() => {});
  }
}

/**
 * After setLocalDescription of an ICE-restart answer: werift's connect() skips an ICE transport whose
 * DTLS transport is still connected, so a restarted agent would never check nor nominate a pair, and
 * everything sent after the restart would be dropped. Resolves once the new pair is nominated.
 */
export function startRestartedIce(restarted: RTCIceTransport[]): Promise<void>[] {
  return restarted.map((transport) => transport.start());
}
