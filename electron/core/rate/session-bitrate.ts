import type { RTCRtpSender } from 'werift';
import type { RateSettings } from './encoder-rate.js';
import { attachLinkEstimator } from './sender-feedback.js';
import { LinkEstimator } from './link-estimate.js';

export interface BitrateInfo {
  /** Estimated capacity of the path back to the browser (bits/s); null before its first feedback. */
  estimate: number | null;
  /** What the browser reported getting over the last half second (bits/s). */
  acked: number | null;
  /** This camera's ceiling set in the panel or the API (bits/s); null for none. */
  max: number | null;
}

const UPDATE_MS = 250;

/** One session's send bitrate: the estimate from the browser's feedback and the user's cap, passed to the encoder. */
export class SessionBitrate {
  private readonly estimator = new LinkEstimator();
  private readonly detach: () => void;
  private readonly timer: NodeJS.Timeout;
  private posted?: RateSettings;
  private cap?: number;
  private keepSize = false;

  /** `ceiling`: --max-bitrate, for every camera; a camera's own cap can only go lower. */
  constructor(
    sender: RTCRtpSender,
    private readonly apply: (settings: RateSettings) => void,
    private readonly ceiling?: number,
  ) {
    this.detach = attachLinkEstimator(sender, this.estimator);
    this.timer = setInterval(() => this.update(), UPDATE_MS);
    this.timer.unref();
    this.update();
  }

  setCap(bps: number | undefined): void {
    this.cap = bps;
    this.update();
  }

  /** Pins the encoded picture at the camera's size (a recording of the processed video must not change size). */
  setKeepSize(keep: boolean): void {
    this.keepSize = keep;
    this.update();
  }

  info(): BitrateInfo {
    const acked = this.estimator.ackedBps;
    return {
      estimate: this.estimator.measured ? this.estimator.bps : null,
      acked: acked === undefined ? null : Math.round(acked),
      max: this.cap ?? null,
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.detach();
  }

  /** Tells the encoder when the estimate moved by more than 3 % or the cap or the size pin changed. */
  private update(): void {
    const caps = [this.cap, this.ceiling].filter((c) => c !== undefined);
    // Before any feedback (or from a peer that never sends any) the estimate is its starting value, as in GCC.
    const settings: RateSettings = {
      estimate: this.estimator.bps,
      cap: caps.length ? Math.min(...caps) : undefined,
      keepSize: this.keepSize,
    };
    const last = this.posted;
    const moved =
      !last || last.cap !== settings.cap || last.keepSize !== settings.keepSize || Math.abs(settings.estimate! / last.estimate! - 1) > 0.03;
    if (!moved) return;
    this.posted = settings;
    this.apply(settings);
  }
}
