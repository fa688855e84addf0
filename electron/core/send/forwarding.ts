/**
 * Whether the browser gets its own packets back ("forwarding": the chain leaves the picture alone,
 * so nothing is decoded or encoded) or our processed frames, and the switch between the two. One
 * state machine, one name: `now` is what goes back, `wanted` what the chain asks for. A switch
 * happens only at a keyframe of the new source, so the browser's decoder never starts mid-chain:
 * into forwarding at the browser's next keyframe (the caller asks for one), out of it at the
 * worker's first encoded frame (always a keyframe). Pure: VideoOutput drives it.
 */
export class Forwarding {
  now: boolean;
  wanted: boolean;

  constructor(forwarding: boolean) {
    this.now = forwarding;
    this.wanted = forwarding;
  }

  /** Forwarding, and meant to stay so: the worker has nothing to decode or encode. */
  get settled(): boolean {
    return this.now && this.wanted;
  }

  /** The chain changed. True when the browser must be asked for a keyframe to switch to its stream. */
  want(forward: boolean): boolean {
    this.wanted = forward;
    return forward && !this.now;
  }

  /** A frame from the browser. True when it switches to forwarding (a keyframe while forwarding is wanted). */
  browserFrame(keyframe: boolean): boolean {
    if (this.now || !this.wanted || !keyframe) return false;
    this.now = true;
    return true;
  }

  /**
   * A processed frame from the worker: 'drop' while forwarding (settled, or until the worker's
   * keyframe), 'switch' when this keyframe takes over from the browser's packets, else 'send'.
   */
  processedFrame(keyframe: boolean): 'drop' | 'switch' | 'send' {
    if (this.settled) return 'drop';
    if (!this.now) return 'send';
    if (!keyframe) return 'drop';
    this.now = false;
    return 'switch';
  }
}
