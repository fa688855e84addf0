import type { RtpPacket } from 'werift';

/** An encoded video frame: what the recorders write and what goes back to the camera. */
export interface VideoSample {
  readonly data: Buffer;
  readonly timestamp: number;
  readonly keyframe: boolean;
  /** A processed frame's camera time (s of its stream): results are matched to the recording by it. */
  readonly time?: number;
}

/** A frame put together from the camera's RTP packets; its `data` is empty when they hold no valid payload (a peer's garbage). */
export interface AssembledFrame extends VideoSample {
  /** The frame's RTP packets in order, for forwarding it untouched. */
  readonly packets: RtpPacket[];
}
