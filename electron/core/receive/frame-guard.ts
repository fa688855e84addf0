import type { GuardCounts } from '../base/guard-counts.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { AssembledFrame } from '../media/frames.js';
import { declaredPictureSize } from '../media/picture-size.js';
import { TokenBucket } from './inbound-limit.js';

/** Frames a second decoded at most: twice the 60 a camera sends at most. */
export const MAX_FRAMES_PER_SECOND = 120;

/**
 * Which camera frames may be decoded at all, before anything decodes them: none of a picture over
 * `maxPixels` (from its keyframe's header to the next keyframe within the limit: told once per
 * size), and no more than MAX_FRAMES_PER_SECOND; after a frame is shed the stream resumes at a
 * keyframe (`askKeyframe`), as inter frames need the ones before them.
 */
export class FrameGuard {
  private readonly budget: TokenBucket;
  private oversized = false;
  private waitingForKeyframe = false;
  private told = '';

  constructor(
    private readonly codec: VideoCodecName,
    private readonly maxPixels: number,
    private readonly counts: GuardCounts,
    private readonly events: { refused(message: string): void; askKeyframe(): void },
    now?: () => number,
  ) {
    this.budget = new TokenBucket(MAX_FRAMES_PER_SECOND, now);
  }

  admit(frame: AssembledFrame): boolean {
    if (frame.keyframe && frame.data.byteLength === 0) return this.malformed();
    if (frame.keyframe) this.checkSize(frame.data);
    if (this.oversized) {
      this.counts.oversizedFrames++;
      return false;
    }
    if (frame.keyframe) this.waitingForKeyframe = false;
    if (!this.waitingForKeyframe && this.budget.take()) return true;
    this.shed();
    return false;
  }

  /** A frame that will not be decoded after all (the worker's queue is full): the next one fed must be a keyframe. */
  shed(): void {
    this.counts.framesShed++;
    if (!this.waitingForKeyframe) this.events.askKeyframe();
    this.waitingForKeyframe = true;
  }

  /** A frame whose packets hold no valid payload (read only where it is needed: a forwarded frame is never put together). */
  malformed(): false {
    this.counts.malformedFrames++;
    if (!this.waitingForKeyframe) this.events.askKeyframe();
    this.waitingForKeyframe = true;
    return false;
  }

  /** The decoder starts afresh (a new worker): it needs a keyframe first. */
  resumeAtKeyframe(): void {
    this.waitingForKeyframe = true;
  }

  private checkSize(data: Uint8Array): void {
    const size = declaredPictureSize(this.codec, data);
    this.oversized = size !== undefined && size.width * size.height > this.maxPixels;
    if (!this.oversized || !size) {
      if (size) this.told = '';
      return;
    }
    const key = `${size.width}x${size.height}`;
    if (key === this.told) return;
    this.told = key;
    const mpixels = (n: number) => (n / 1e6).toFixed(1);
    this.events.refused(
      `the camera sends ${key} pictures (${mpixels(size.width * size.height)} Mpixels), over this CamLoop's limit of ${mpixels(this.maxPixels)} Mpixels (--max-pixels): its frames are not decoded until it sends a smaller picture`,
    );
  }
}
