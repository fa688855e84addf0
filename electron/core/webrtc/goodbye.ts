import type { RTCPeerConnection } from 'werift';
import { dtlsSocketOf, srtcpSessionOf, type DtlsRecord, type SrtcpSession } from './werift-internals.js';

/** Every DTLS transport of a peer (media and SCTP; one when bundled), each once. */
function dtlsTransportsOf(pc: RTCPeerConnection) {
  return [...new Set([...pc.getTransceivers().map((t) => t.dtlsTransport), pc.sctpTransport?.dtlsTransport])].filter(
    (t) => t !== undefined,
  );
}

/** RTCP packet type of a BYE (RFC 3550 6.6). */
const RTCP_BYE = 203;

/** True when a (decrypted, compound) RTCP packet holds a BYE. */
export function hasRtcpBye(compound: Buffer): boolean {
  for (let at = 0; at + 4 <= compound.length;) {
    if (compound[at + 1] === RTCP_BYE) return true;
    at += (compound.readUInt16BE(at + 2) + 1) * 4;
  }
  return false;
}

/**
 * Calls `onGoodbye(how)` once when the peer says it is leaving: DTLS close_notify, SCTP ABORT or
 * SHUTDOWN, RTCP BYE. werift tells the connection of none of them (its RTCP parser drops BYE), so
 * RTCP is read where werift decrypts it (its SRTCP session: see werift-internals), SCTP's end from
 * its association's state. Call after setLocalDescription and again once connected (SRTCP).
 */
export function watchGoodbyes(pc: RTCPeerConnection, onGoodbye: (how: string) => void): { connected(): void } {
  let said = false;
  const say = (how: string) => {
    if (said) return;
    said = true;
    onGoodbye(how);
  };
  const transports = dtlsTransportsOf(pc);
  for (const transport of transports) transport.onStateChange.subscribe((state) => state === 'closed' && say('DTLS close_notify'));
  pc.sctpTransport?.sctp.stateChanged.closed.subscribe(() => say('SCTP ABORT or SHUTDOWN'));
  const watched = new WeakSet<SrtcpSession>();
  return {
    connected() {
      for (const transport of transports) {
        const srtcp = srtcpSessionOf(transport);
        if (!srtcp || watched.has(srtcp)) continue;
        watched.add(srtcp);
        const decrypt = srtcp.decrypt.bind(srtcp);
        srtcp.decrypt = (data) => {
          const plain = decrypt(data);
          if (hasRtcpBye(plain)) say('RTCP BYE');
          return plain;
        };
      }
    },
  };
}

const DTLS_ALERT = 21;
/** How long the goodbye gets to leave before the peer's sockets close. */
const GOODBYE_FLUSH_MS = 10;
/** Alert level warning (1), description close_notify (0): RFC 5246 7.2.1. */
const CLOSE_NOTIFY = Buffer.from([1, 0]);

/**
 * Tells the peer we are leaving, as browsers do: a DTLS close_notify on each transport (werift's
 * close sends nothing), so a browser, a WHEP player or FFmpeg's muxer learns at once, not when its
 * ICE checks fail. Written with werift's DTLS socket (see werift-internals). Call before pc.close().
 */
export async function sayGoodbye(pc: RTCPeerConnection): Promise<void> {
  const transports = dtlsTransportsOf(pc);
  let sent = 0;
  await Promise.allSettled(
    transports.map(async (transport) => {
      if (transport.state !== 'connected') return;
      const socket = dtlsSocketOf(transport);
      if (!socket) return;
      const { dtls } = socket;
      const record = socket.cipher.encryptPacket({
        recordLayerHeader: {
          contentType: DTLS_ALERT,
          protocolVersion: dtls.version,
          epoch: dtls.epoch,
          sequenceNumber: ++dtls.recordSequenceNumber,
          contentLen: CLOSE_NOTIFY.length,
        },
        fragment: Buffer.from(CLOSE_NOTIFY),
      });
      await socket.transport.send(serializeRecord(record));
      sent++;
    }),
  );
  if (sent === 0) return;
  // werift's send resolves before the datagram has left, and pc.close() right after closes the
  // socket under it (see docs/decisions.md, Departures).
  await new Promise((resolve) => setTimeout(resolve, GOODBYE_FLUSH_MS));
}

/** A DTLS record: type, version, epoch, 48-bit sequence number, length, fragment (RFC 6347 4.1). */
function serializeRecord({ recordLayerHeader: header, fragment }: DtlsRecord): Buffer {
  const out = Buffer.alloc(13 + fragment.length);
  out.writeUInt8(header.contentType, 0);
  out.writeUInt8(header.protocolVersion.major, 1);
  out.writeUInt8(header.protocolVersion.minor, 2);
  out.writeUInt16BE(header.epoch, 3);
  out.writeUIntBE(header.sequenceNumber, 5, 6);
  out.writeUInt16BE(fragment.length, 11);
  fragment.copy(out, 13);
  return out;
}
