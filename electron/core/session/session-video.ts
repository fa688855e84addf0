import { MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import type { GuardCounts } from '../base/guard-counts.js';
import type { Logger } from '../base/log.js';
import { videoCodecOf } from '../media/codecs.js';
import type { SessionRecordings } from '../recording/session-recordings.js';
import type { TransformChain } from '../transforms/chain.js';
import { CameraVideo } from '../video/camera-video.js';
import { hintStartBitrate } from '../webrtc/media-config.js';
import type { OfferRequest } from './offer-request.js';
import type { SessionOptions } from './session-info.js';
import type { SessionResults } from './session-results.js';

/** What a session gives its camera's video. */
export interface SessionVideoParts {
  options: SessionOptions;
  log: Logger;
  recordings: SessionRecordings;
  results: SessionResults;
  guard: GuardCounts;
  maxPixels: number;
  chain: TransformChain;
}

/** The camera's video on the offer's video transceiver: what comes in goes through a codec worker and back on it. */
export function openSessionVideo(video: RTCRtpTransceiver, offer: OfferRequest, parts: SessionVideoParts): CameraVideo {
  const { options, results } = parts;
  // Without sendrecv the browser decodes our video but never fires ontrack. A publisher that
  // only sends (WHIP) gets a recvonly answer (werift answers the offer's direction and ours
  // combined): the processed video goes to viewers, recordings and the preview only.
  video.setDirection('sendrecv');
  hintStartBitrate(video.codecs);
  const outgoing = new MediaStreamTrack({ kind: 'video' });
  if (!offer.videoSendOnly) video.sender.replaceTrack(outgoing);
  // werift announces the remote track during setRemoteDescription (pc.onTrack), so take it from the receiver.
  return new CameraVideo(video, video.receiver.track, outgoing, {
    // The offer was checked for a codec we have (parseOffer): the answer holds only ours.
    codec: videoCodecOf(video.codecs[0]!.mimeType) ?? 'vp8',
    chain: parts.chain,
    pool: options.pool,
    log: parts.log,
    recordings: parts.recordings,
    plugins: options.plugins,
    maxBitrate: options.maxBitrate,
    iceServers: options.iceServers,
    maxPixels: parts.maxPixels,
    counts: parts.guard,
    onResult: (event) => results.publish(event),
    onTransformErrors: (errors) => results.addErrors(errors),
    onProblem: (message) => results.errors.report([message]),
  });
}
