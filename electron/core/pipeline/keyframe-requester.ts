/** Rate-limits keyframe requests (PLI) so that a burst of losses asks once, not per packet. */
export class KeyframeRequester {
  private last = -Infinity;

  constructor(private readonly send: () => void, private readonly minIntervalMs = 300, private readonly now = () => performance.now()) {}

  request(): boolean {
    const now = this.now();
    if (now - this.last < this.minIntervalMs) return false;
    this.last = now;
    this.send();
    return true;
  }
}
