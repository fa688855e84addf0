import type { AssembledFrame } from '../media/frames.js';

/**
 * Whether the browser's frames go to the codec worker. While the browser's own packets are
 * forwarded untouched there is nothing to decode (a decode per frame saved), except until the
 * picture size is known (recordings need it). Feeding resumes only at a keyframe, so the decoder
 * never starts in the middle of a reference chain; the caller asks the browser for one.
 */
export class WorkerFeed {
  private feeding = true;
  sizeKnown = false;

  accepts(frame: AssembledFrame, forwardingSettled: boolean): boolean {
    if (forwardingSettled && this.sizeKnown) {
      this.feeding = false;
      return false;
    }
    if (!this.feeding && !frame.keyframe) return false;
    this.feeding = true;
    return true;
  }
}
