import { createWriteStream, type WriteStream } from 'node:fs';
import type { ResultEvent } from '../detect/events.js';

/** Frames remembered (camera time -> time in the file): a result older than this many frames is long late. */
const FRAMES_KEPT = 300;
/** Lines waiting for the disk beyond this are dropped (and counted), never held without bound. */
const MAX_PENDING_BYTES = 8 << 20;

/**
 * A recording's results, beside its video as JSON lines (`<video>.results.jsonl`): one line per
 * result, `t` the time in the video file (s, its pts) of the frame the results were computed on,
 * so a player at `t` shows what the model saw. Results on frames from before the recording started
 * are left out.
 */
export class ResultsLog {
  private readonly out: WriteStream;
  /** Camera time (s) of each frame written -> its time in the file (s), oldest first. */
  private readonly frames = new Map<number, number>();
  dropped = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', () => {}); // the video's recording reports the disk's troubles
  }

  /** A frame went into the video at `at` (s in the file). */
  frame(time: number, at: number): void {
    this.frames.set(time, at);
    if (this.frames.size > FRAMES_KEPT) this.frames.delete(this.frames.keys().next().value!);
  }

  write(event: ResultEvent): void {
    const at = this.timeOf(event.frameTime);
    if (at === undefined) return;
    if (this.out.writableLength > MAX_PENDING_BYTES) return void this.dropped++;
    const { id, kind, frameTime, startedAt, readyAt, width, height, results } = event;
    const t = Math.round(at * 1e6) / 1e6;
    this.out.write(`${JSON.stringify({ t, id, kind, frameTime, startedAt, readyAt, width, height, results })}\n`);
  }

  close(): void {
    this.out.end();
  }

  /** The frame's own time in the file, or (a frame not sent: the encoder had nothing) the one before it plus the gap. */
  private timeOf(frameTime: number): number | undefined {
    const exact = this.frames.get(frameTime);
    if (exact !== undefined) return exact;
    let before: [number, number] | undefined;
    for (const entry of this.frames) if (entry[0] < frameTime) before = entry;
    return before && before[1] + (frameTime - before[0]);
  }
}
