import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  useAbsSendTime,
  useH264,
  useNACK,
  useOPUS,
  usePCMA,
  usePCMU,
  usePLI,
  useREMB,
  useSdesMid,
  useTransportWideCC,
  useTWCC,
  useVP8,
  type PeerConfig,
} from 'werift';
import { isIP, isIPv4 } from 'node:net';
import type { AudioCodecName } from '../media/codecs.js';
import { isLoopbackAddress } from '../http/access.js';
import { resolveMdnsCandidates } from './mdns-candidates.js';
import type { VideoCodecName } from '../media/codecs.js';

const ICE_GATHERING_TIMEOUT_MS = 5000;
/** Seconds werift waits for each STUN server's answer while gathering (its default is 5). */
const STUN_GATHER_TIMEOUT_S = 2;

/** NACK + PLI for repair, transport-cc (our TwccFeedback) for the browser's bandwidth estimate. */
const feedback = () => [useNACK(), usePLI(), useREMB(), useTWCC()];

export const videoCodecParameters: Record<VideoCodecName, () => RTCRtpCodecParameters> = {
  vp8: () => useVP8({ rtcpFeedback: feedback() }),
  h264: () => useH264({ rtcpFeedback: feedback() }),
};

/**
 * Our video codecs in the offer's order, each followed by RTX (RFC 4588): lost packets are resent on
 * their own SSRC, so they do not disturb the stream's sequence numbers and the browser's estimator.
 */
export function videoCodecList(codecs: VideoCodecName[]): RTCRtpCodecParameters[] {
  return codecs.flatMap((codec) => [videoCodecParameters[codec](), new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000 })]);
}

/** Where the browser's send estimate starts (Chrome's own start is 300 kbps, made for the internet). */
export const BROWSER_START_KBPS = 1000;

/**
 * Adds a start-bitrate hint to the codecs of our answer (Chrome reads x-google-start-bitrate from the
 * remote description): a camera on the LAN starts sharp instead of spending its first seconds at
 * 300 kbps. From there the browser's estimator, fed by our transport-cc reports, raises or lowers it.
 */
export function hintStartBitrate(negotiated: RTCRtpCodecParameters[]): void {
  for (const codec of negotiated) {
    if (/\/rtx$/i.test(codec.mimeType) || codec.parameters?.includes('x-google-start-bitrate')) continue;
    codec.parameters = [codec.parameters, `x-google-start-bitrate=${BROWSER_START_KBPS}`].filter(Boolean).join(';');
  }
}

export const audioCodecParameters: Record<AudioCodecName, () => RTCRtpCodecParameters> = { opus: useOPUS, pcmu: usePCMU, pcma: usePCMA };

/**
 * CamLoop's own header extension: on the last packet of each processed frame, the RTP timestamp of
 * the camera frame it was made from (4 bytes, big-endian). Processed frames carry the time they
 * left us (see OutputTimestamps), so a peer that matches what comes back with what it sent (the
 * test phones and the benches' send-to-return delay) offers this; browsers never do.
 */
export const SOURCE_TIMESTAMP_URI = 'urn:camloop:rtp-hdrext:source-timestamp';
export const useSourceTimestamp = (): RTCRtpHeaderExtensionParameters => new RTCRtpHeaderExtensionParameters({ uri: SOURCE_TIMESTAMP_URI });

export const videoHeaderExtensions = (): RTCRtpHeaderExtensionParameters[] => [useSdesMid(), useAbsSendTime(), useTransportWideCC(), useSourceTimestamp()];

/**
 * ICE options for a phone that reached us at `localAddress` (the HTTP socket's local end): host
 * candidates only on that address, since it is one the phone can reach; no other interfaces
 * (docker bridges, VPNs, the other IP family) to gather on or to pair with and check. Werift falls
 * back to every interface if that address is not one of its host addresses. A browser on this
 * machine (loopback) gets the defaults, and with `withLoopback` a loopback candidate besides:
 * WHIP and WHEP clients such as FFmpeg's muxer try only the first host candidate of the answer,
 * which then must be one they can reach (see putCandidatesFirst).
 */
export function iceOptionsFor(
  localAddress: string | undefined,
  { withLoopback = false } = {},
): Partial<Pick<PeerConfig, 'iceInterfaceAddresses' | 'iceUseIpv4' | 'iceUseIpv6' | 'iceStunGatherTimeout' | 'iceAdditionalHostAddresses'>> {
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
export function addTrickledCandidate(pc: RTCPeerConnection, candidate: TrickledCandidate, remoteAddress: string | undefined): Promise<void> {
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
