import {
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
} from 'werift';
import type { AudioCodecName, VideoCodecName } from '../media/codecs.js';

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
 * the camera frame it was made from (4 bytes, big-endian), for peers that match what comes back with
 * what they sent (test phones, benches), since processed frames carry their own (OutputTimestamps).
 */
export const SOURCE_TIMESTAMP_URI = 'urn:camloop:rtp-hdrext:source-timestamp';
export const useSourceTimestamp = (): RTCRtpHeaderExtensionParameters => new RTCRtpHeaderExtensionParameters({ uri: SOURCE_TIMESTAMP_URI });

export const videoHeaderExtensions = (): RTCRtpHeaderExtensionParameters[] => [
  useSdesMid(),
  useAbsSendTime(),
  useTransportWideCC(),
  useSourceTimestamp(),
];

/** Bits per pixel a second a camera's video needs at most, generously (1080p at 30 fps: ~7.5 Mbps). */
const RECEIVE_BITS_PER_PIXEL_SECOND = 3.6;

/** The video bitrate our answer announces (b=AS) for pictures up to `maxPixels`: what a camera is expected to send at most. */
export function receiveBitrateFor(maxPixels: number): number {
  return Math.round(maxPixels * RECEIVE_BITS_PER_PIXEL_SECOND);
}

/**
 * Announces in an answer's video section the most we receive (b=AS, kbps; RFC 4566 puts it after
 * c=): browsers keep their send bitrate under it, and the peer's inbound budget is a multiple of it.
 */
export function announceReceiveBitrate(sdp: string, bps: number): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(`${eol}m=`)
    .map((section) => {
      if (!section.startsWith('video ') || /^b=AS:/m.test(section)) return section;
      const lines = section.split(eol);
      const at = lines.findIndex((line) => line.startsWith('c='));
      lines.splice(at < 0 ? 1 : at + 1, 0, `b=AS:${Math.round(bps / 1000)}`);
      return lines.join(eol);
    })
    .join(`${eol}m=`);
}
