import type { RTCPeerConnection } from 'werift';

/** RTCP packet type of a BYE (RFC 3550 6.6). */
const RTCP_BYE = 203;

/** True when a (decrypted, compound) RTCP packet holds a BYE. */
export function hasRtcpBye(compound: Buffer): boolean {
  for (let at = 0; at + 4 <= compound.length; ) {
    if (compound[at + 1] === RTCP_BYE) return true;
    at += (compound.readUInt16BE(at + 2) + 1) * 4;
  }
  return false;
}

interface SrtcpSession {
  decrypt(data: Buffer): Buffer;
}

/**
 * Calls `onGoodbye(how)` once when the peer says it is leaving, however it says it. werift notices
 * each of these but tells the connection nothing: a DTLS close_notify marks its DTLS transport
 * closed; an SCTP ABORT or SHUTDOWN closes only the data channels; an RTCP BYE is dropped by its
 * RTCP parser (no BYE type). This is the one place that reaches into werift for them: the SRTCP
 * session (`srtcp`, made when DTLS connects) and the SCTP association (`sctpTransport.sctp`).
 * Call after setLocalDescription (the transports exist then) and again once connected (SRTCP).
 */
export function watchGoodbyes(pc: RTCPeerConnection, onGoodbye: (how: string) => void): { connected(): void } {
  let said = false;
  const say = (how: string) => {
    if (said) return;
    said = true;
    onGoodbye(how);
  };
  const transports = [...new Set([...pc.getTransceivers().map((t) => t.dtlsTransport), pc.sctpTransport?.dtlsTransport])].filter((t) => t !== undefined);
  for (const transport of transports) transport.onStateChange.subscribe((state) => state === 'closed' && say('DTLS close_notify'));
  pc.sctpTransport?.sctp.stateChanged.closed.subscribe(() => say('SCTP ABORT or SHUTDOWN'));
  const watched = new WeakSet<SrtcpSession>();
  return {
    connected() {
      for (const transport of transports) {
        const srtcp = (transport as unknown as { srtcp?: SrtcpSession }).srtcp;
        if (!srtcp || typeof srtcp.decrypt !== 'function' || watched.has(srtcp)) continue;
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
