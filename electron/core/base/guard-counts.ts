/**
 * What a session's guards refused or repaired, for its stats (GET /api/sessions, the panel): a peer
 * that sends too much, too large or broken video, or asks too much of us, is limited, not obeyed.
 * One per session; each guard counts its own events here.
 */
export interface GuardCounts {
  /** RTP packets, and their bytes, dropped over the peer's budget (a multiple of what our answer announced). */
  packetsDropped: number;
  bytesDropped: number;
  /** Camera frames not decoded: over the frame-rate budget, or the worker's queue was full or it was being replaced. */
  framesShed: number;
  /** Camera frames refused for a picture over the pixel limit (--max-pixels). */
  oversizedFrames: number;
  /** Camera frames whose packets hold no valid payload (e.g. an H.264 aggregate whose sizes overrun it). */
  malformedFrames: number;
  /** Frames the decoder could not decode (a keyframe was asked for). */
  decodeErrors: number;
  /** Codec workers replaced after they failed or stopped answering. */
  workerRestarts: number;
  /** Keyframe requests (PLI, FIR) from the peer or its viewers answered together with an earlier one. */
  keyframeRequestsMerged: number;
  /** Packets a NACK asked for that were not sent again (each packet is resent at most twice, 100 ms apart). */
  retransmissionsRefused: number;
}

export function newGuardCounts(): GuardCounts {
  return {
    packetsDropped: 0,
    bytesDropped: 0,
    framesShed: 0,
    oversizedFrames: 0,
    malformedFrames: 0,
    decodeErrors: 0,
    workerRestarts: 0,
    keyframeRequestsMerged: 0,
    retransmissionsRefused: 0,
  };
}
