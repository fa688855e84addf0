import { isIdentityChain, type TransformChain } from '../transforms/chain.js';

/** What a chain change asks of the caller. */
export interface ChainVerdict {
  /** Ask the camera for a keyframe: forwarding starts at one, and the worker resumes decoding at one. */
  askCamera: boolean;
  /** The worker's new work, if any (into forwarding it keeps its old chain until the switch, then pauses). */
  worker?: { chain: TransformChain };
}

/**
 * The one place that decides what goes back to the camera: its own packets, untouched
 * ("forwarding": the chain leaves the picture alone, so nothing is decoded or encoded), or our
 * processed frames; and whether the codec worker gets the camera's frames. `now` is what goes
 * back, `wanted` what the chain asks for. A switch happens only at a keyframe of the new source,
 * so the camera's decoder never starts mid-chain: into forwarding at the camera's next keyframe,
 * out of it at the worker's first encoded frame (a keyframe). Pure: CameraVideo drives it.
 */
export class Forwarding {
  now: boolean;
  wanted: boolean;
  /** Whether camera frames go to the worker; after a pause it resumes only at a keyframe. */
  private feeding = true;
  /** The worker must see frames until the picture's size is known (recordings need it). */
  private sizeKnown = false;

  constructor(chain: TransformChain) {
    this.now = this.wanted = isIdentityChain(chain);
  }

  /** Forwarding, and meant to stay so: the worker has nothing to decode or encode. */
  get settled(): boolean {
    return this.now && this.wanted;
  }

  /** The chain changed. Into forwarding, the worker keeps its old chain until the camera's keyframe switches. */
  setChain(chain: TransformChain): ChainVerdict {
    const wasSettled = this.settled;
    this.wanted = isIdentityChain(chain);
    if (this.wanted) return { askCamera: !this.now };
    // The worker was not decoding while we forwarded: it starts again at the camera's next keyframe.
    return { askCamera: wasSettled, worker: { chain } };
  }

  /** The worker reported the picture's size: while forwarding, it may stop decoding. */
  sizeFound(): void {
    this.sizeKnown = true;
  }

  /** A frame from the camera: whether the worker gets it, and whether it switched us to forwarding (the worker pauses). */
  cameraFrame(keyframe: boolean): { feedWorker: boolean; switched: boolean } {
    const switched = !this.now && this.wanted && keyframe;
    if (switched) this.now = true;
    return { feedWorker: this.feeds(keyframe), switched };
  }

  private feeds(keyframe: boolean): boolean {
    if (this.settled && this.sizeKnown) {
      this.feeding = false;
      return false;
    }
    if (!this.feeding && !keyframe) return false;
    this.feeding = true;
    return true;
  }

  /**
   * A processed frame from the worker: 'drop' while forwarding (settled, or until the worker's
   * keyframe), 'switch' when this keyframe takes over from the camera's packets, else 'send'.
   */
  processedFrame(keyframe: boolean): 'drop' | 'switch' | 'send' {
    if (this.settled) return 'drop';
    if (!this.now) return 'send';
    if (!keyframe) return 'drop';
    this.now = false;
    return 'switch';
  }
}
