import { isIP, isIPv4 } from 'node:net';
import type { PeerConfig, RTCPeerConnection } from 'werift';
import { isLoopbackAddress } from '../base/addresses.js';
import { resolveMdnsCandidates } from './mdns-candidates.js';

const ICE_GATHERING_TIMEOUT_MS = 5000;
/** Seconds werift waits for each STUN server's answer while gathering (its default is 5). */
const STUN_GATHER_TIMEOUT_S = 2;

/**
 * ICE options for a phone that reached us at `localAddress` (the HTTP socket's local end): host
 * candidates only on that address, which the phone can reach, and no other interface to check
 * (werift falls back to all if it is not one of its own). A client on loopback gets the defaults,
 * plus with `withLoopback` a loopback candidate: WHIP/WHEP clients such as FFmpeg's muxer try only
 * the answer's first host candidate (see putCandidatesFirst).
 */
export function iceOptionsFor(
  localAddress: string | undefined,
  { withLoopback = false } = {},
): Partial<
  Pick<PeerConfig, 'iceInterfaceAddresses' | 'iceUseIpv4' | 'iceUseIpv6' | 'iceStunGatherTimeout' | 'iceAdditionalHostAddresses'>
> {
  const options = { iceStunGatherTimeout: STUN_GATHER_TIMEOUT_S };
  const address = localAddress?.replace(/^::ffff:/, '');
  if (!address || !isIP(address)) return options;
  // werift never gathers on loopback interfaces by itself.
  if (isLoopbackAddress(address)) return withLoopback && isIPv4(address) ? { ...options, iceAdditionalHostAddresses: [address] } : options;
  return isIPv4(address)
    ? { ...options, iceInterfaceAddresses: { udp4: address }, iceUseIpv4: true, iceUseIpv6: false }
    : { ...options, iceInterfaceAddresses: { udp6: address }, iceUseIpv4: false, iceUseIpv6: true };
}

/**
 * The answer's candidates on `localAddress` (the one the client reached us at) first: werift lists
 * them in the order its sockets opened, and a client that tries only the first (FFmpeg's WHIP
 * muxer) must get one it can reach.
 */
export function putCandidatesFirst(sdp: string, localAddress: string | undefined): string {
  const address = localAddress?.replace(/^::ffff:/, '');
  if (!address) return sdp;
  const onAddress = (line: string) => line.startsWith('a=candidate:') && line.split(' ')[4] === address;
  // Within each m= section: the candidates on that address move up to where its first candidate was.
  return sdp
    .split(/(?=\r\nm=)/)
    .map((section) => {
      const lines = section.split('\r\n');
      const first = lines.findIndex((line) => line.startsWith('a=candidate:'));
      if (first < 0) return section;
      const moved = lines.filter(onAddress);
      const rest = lines.filter((line) => !onAddress(line));
      rest.splice(first, 0, ...moved);
      return rest.join('\r\n');
    })
    .join('');
}

/** Our ICE username fragment (in the local description): what identifies a WHIP/WHEP session's ICE. */
export function localIceUfrag(pc: RTCPeerConnection): string | undefined {
  return pc.localDescription?.sdp.match(/^a=ice-ufrag:(\S+)/m)?.[1];
}

/** The client's ICE username fragment (from its offer): a trickle PATCH must carry it. */
export function remoteIceUfrag(pc: RTCPeerConnection): string | undefined {
  return pc.remoteDescription?.sdp.match(/^a=ice-ufrag:(\S+)/m)?.[1];
}

/** A trickled candidate, as RTCPeerConnection.addIceCandidate takes it. */
export interface TrickledCandidate {
  candidate: string;
  sdpMid?: string;
  sdpMLineIndex: number;
}

/** A candidate the client trickled (a WHIP/WHEP PATCH); `.local` names get its HTTP address, as in offers. */
export function addTrickledCandidate(
  pc: RTCPeerConnection,
  candidate: TrickledCandidate,
  remoteAddress: string | undefined,
): Promise<void> {
  const line = resolveMdnsCandidates(`a=${candidate.candidate}`, remoteAddress).slice(2);
  return pc.addIceCandidate({ ...candidate, candidate: line });
}

/** Non-trickle signaling: the answer goes out with every candidate in it. */
export function waitForGathering(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ICE_GATHERING_TIMEOUT_MS);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && done());
    function done() {
      clearTimeout(timer);
      unSubscribe();
      resolve();
    }
  });
}

/** A peer's ICE as a WHIP or WHEP resource exposes it: our ufrag (its ETag), the remote's, and trickled candidates. */
export class PeerIce {
  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly remoteAddress: string | undefined,
  ) {}

  get ufrag(): string | undefined {
    return localIceUfrag(this.pc);
  }

  get remoteUfrag(): string | undefined {
    return remoteIceUfrag(this.pc);
  }

  /** A candidate the client trickled (PATCH). */
  add(candidate: TrickledCandidate): Promise<void> {
    return addTrickledCandidate(this.pc, candidate, this.remoteAddress);
  }
}
