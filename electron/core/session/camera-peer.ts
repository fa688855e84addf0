import { RTCPeerConnection } from 'werift';
import type { Logger } from '../base/log.js';
import { iceOptionsFor } from '../webrtc/ice-config.js';
import { audioCodecParameters, videoCodecList, videoHeaderExtensions } from '../webrtc/media-config.js';
import type { OfferRequest } from './offer-request.js';
import type { InboundLimit } from '../receive/inbound-limit.js';
import { filterInboundRtp } from '../webrtc/werift-internals.js';
import type { CameraSource, SessionOptions } from './session-info.js';

/**
 * A werift peer for a camera's offer: our codecs in the offer's order, our header extensions, ICE on
 * the address it reached; its RTP within `inbound` (what is over is dropped before werift sees it).
 */
export function createCameraPeer(
  offer: OfferRequest,
  options: SessionOptions,
  source: CameraSource,
  log: Logger,
  inbound: InboundLimit,
): RTCPeerConnection {
  const pc = new RTCPeerConnection({
    codecs: { video: videoCodecList(offer.videoCodecs), audio: offer.audioCodecs.map((codec) => audioCodecParameters[codec]()) },
    headerExtensions: { video: videoHeaderExtensions() },
    iceServers: options.iceServers ?? [],
    ...iceOptionsFor(options.localAddress, { withLoopback: source === 'whip' }),
    // werift drops a packet when x/100 < random(), i.e. it keeps x %.
    debug: options.lossPercent
      ? { inboundPacketLoss: 100 - options.lossPercent, outboundPacketLoss: 100 - options.lossPercent }
      : undefined,
  });
  filterInboundRtp(pc, (packet) => inbound.admit(packet.serializeSize));
  pc.connectionStateChange.subscribe((state) => log.info(`connection ${state}`));
  pc.iceConnectionStateChange.subscribe((state) => log.debug(`ice connection ${state}`));
  pc.iceGatheringStateChange.subscribe((state) => log.debug(`ice gathering ${state}`));
  pc.signalingStateChange.subscribe((state) => log.debug(`signaling ${state}`));
  return pc;
}
