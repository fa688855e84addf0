// @ts-check
// The camera page's frame-rate follower, a module of its own so that Node's unit tests drive it
// with a clock of theirs (plain ES module, no build step, like the page).

/**
 * Sends no more frames than the server processes. When it drops more than a fifth of our frames
 * because its worker is busy (its filter is slower than the camera) for 3 s, the camera's frame rate is
 * lowered to what it processed; after 5 s without drops it is raised again by a fifth. Frames the
 * server would drop cost it a decode each, and cost this phone an encode and battery. A new bitrate
 * cap (set in the panel) or a new size of the picture coming back, like a new filter, starts again
 * from the full frame rate. The server also says what this camera's share of its machine is
 * (`sendFps`: with many cameras each one's worker is rarely busy while the machine is full): the
 * camera sends at the lower of the two. Fed the server's session info about once a second.
 */
export class FrameRateFollower {
  /**
   * @param {(fps: number | null) => void} apply sets the camera's maxFramerate (null: the camera's own)
   * @param {() => number} now milliseconds
   */
  constructor(apply, now = () => performance.now()) {
    this.apply = apply;
    this.now = now;
    this.reset();
    /** No call yet: nothing to apply to. */
    this.active = false;
  }

  /** A new call: full frame rate, nothing measured yet. */
  start() {
    this.reset();
    this.active = true;
  }

  reset() {
    /** @type {number | null} the frame rate asked of the camera (null: its own) */
    this.max = null;
    /** @type {number | null} what this page's own rule asks for, and what the server does (null: no limit) */
    this.own = null;
    /** @type {number | null} */
    this.share = null;
    /** @type {{at: number, framesOut: number, dropped: number} | null} */
    this.last = null;
    this.over = 0;
    this.under = 0;
    /** @type {number | null} */
    this.cap = null;
    this.sentWidth = 0;
  }

  /**
   * @param {Pick<import('./api-types').SessionInfo, 'bitrate' | 'forwarding' | 'stats' | 'sendFps'>} info
   */
  follow(info) {
    const share = info.sendFps ?? null;
    if (share !== this.share) {
      this.share = share;
      this.update();
    }
    const cap = info.bitrate?.max ?? null;
    const s = info.stats;
    // A new cap, or a new size of what the server sends (it fitted its picture to the link): start again.
    if (cap !== this.cap || (s?.sentWidth ?? 0) !== this.sentWidth) {
      this.cap = cap;
      this.sentWidth = s?.sentWidth ?? 0;
      return this.set(null);
    }
    if (!s || info.forwarding) return void (this.last = null);
    const now = this.now();
    const last = this.last;
    this.last = { at: now, framesOut: s.framesOut, dropped: s.dropped };
    if (!last) return;
    const seconds = (now - last.at) / 1000;
    const processed = (s.framesOut - last.framesOut) / seconds;
    const dropped = (s.dropped - last.dropped) / seconds;
    // Drops from a worker with time to spare are not a slow filter: frames released together after
    // a lost packet was resent, or skipped for the link's budget (the server paces those itself).
    // Lowering the camera's rate for them only cost frames (seen with 3 % loss: 14 fps instead of 24).
    const t = s.timings;
    const busy = t ? (t.decodeMs * (processed + dropped) + (t.transformMs + t.encodeMs) * processed) / 1000 : 1;
    if (dropped > 0.2 * (processed + dropped) && busy > 0.6) [this.over, this.under] = [this.over + 1, 0];
    else [this.over, this.under] = [0, this.under + 1];
    if (this.over >= 3) this.set(Math.max(5, Math.round(processed * 1.1)));
    else if (this.under >= 5 && this.own !== null) this.set(this.own * 1.2 >= 30 ? null : Math.round(this.own * 1.2));
  }

  /** @param {number | null} fps the frame rate this page's rule asks for from now (null: the camera's own); counting starts again */
  set(fps) {
    [this.over, this.under, this.last] = [0, 0, null];
    this.own = fps;
    this.update();
  }

  /** Applies the lower of the page's rule and the server's share, when it changed. */
  update() {
    const { own, share } = this;
    const fps = own === null ? share : share === null ? own : Math.min(own, share);
    if (!this.active || this.max === fps) return;
    this.max = fps;
    this.apply(fps);
  }
}
