import { CAMERA_FPS, shareOf, type LoadReading } from './load-meter.js';

/** Cameras are asked for a fifth more than their share, so that the machine never waits for frames. */
const HEADROOM = 1.2;
/** Never ask for fewer: under this a camera's picture is a slide show, and admission refuses more cameras first. */
export const MIN_SEND_FPS = 3;
/**
 * How far the smoothed capacity moves towards a new reading each update (the reading averages 5 s
 * already). Not slower up: on a machine that others keep busy the headroom is how the share grows back.
 */
const SMOOTHING = 0.5;

/** The frame rate to ask of a camera whose share is `shareFps` (null: no limit, it may send all it has). */
export function sendFpsFor(shareFps: number): number | null {
  const fps = Math.max(MIN_SEND_FPS, Math.round(shareFps * HEADROOM));
  return fps >= CAMERA_FPS ? null : fps;
}

/**
 * Each processing camera's frame rate from the machine's measured load (see shareOf), told to the
 * cameras so that they send what can be processed: a frame sent beyond costs a decode (inter frames
 * need every one) and returns nothing, and a camera whose frames queue up is shed and waits for a
 * keyframe. The machine's capacity is smoothed across updates (the reading already averages a few
 * seconds); a camera that comes or goes changes the others' share at once. Updated once a second by
 * the SessionFeed.
 */
export class FrameShare {
  private capacity?: number;

  constructor(private readonly reading: () => LoadReading | undefined) {}

  /** The frame rate each of `cameras` should send at most from now (null: no limit). */
  update(cameras: number): number | null {
    if (cameras === 0) {
      this.capacity = undefined;
      return null;
    }
    const target = shareOf(this.reading(), cameras).capacityFps;
    const last = this.capacity ?? target;
    this.capacity = last + (target - last) * SMOOTHING;
    return sendFpsFor(Math.min(CAMERA_FPS, this.capacity / cameras));
  }
}
