import type { Logger } from '../base/log.js';
import type { AudioCodecName, VideoCodecName } from '../media/codecs.js';
import type { VideoSample } from '../media/frames.js';
import { chooseRecordingPath } from './container.js';
import { Recorder } from './recorder.js';
import { ResultsLog } from './results-log.js';
import type { ResultEvent } from '../detect/events.js';

/**
 * A camera's two recordings: what the camera sends (`--record-to`, with its audio, from the moment
 * the picture size is known) and, on request, the processed video (the panel's record button).
 * A recording that fails to start or to finish is logged; it never stops the session.
 */
export class SessionRecordings {
  private camera?: Recorder;
  private processed?: Recorder;
  /** The processed recording's results, beside it. */
  private results?: ResultsLog;

  constructor(
    private readonly log: Logger,
    /** --record-to: the next file of the series, or none. */
    private readonly recordTo: string | undefined,
    private readonly audioCodec: () => AudioCodecName | undefined,
  ) {}

  /** --record-to, once the picture size is known. True when it started: the caller asks for a keyframe. */
  startCamera(codec: VideoCodecName, width: number, height: number): boolean {
    if (!this.recordTo || this.camera) return false;
    const path = chooseRecordingPath(this.recordTo, codec, this.audioCodec());
    try {
      this.camera = new Recorder(path, { codec, width, height }, this.audioCodec());
      this.log.info(`recording to ${path}`);
      return true;
    } catch (error) {
      this.log.warn(`cannot record: ${(error as Error).message}`);
      return false;
    }
  }

  /** A frame from the camera; its data is read only while recording. */
  cameraVideo(frame: VideoSample): void {
    if (this.camera && frame.data.byteLength) this.camera.writeVideo(frame.data, frame.timestamp, frame.keyframe);
  }

  cameraAudio(payload: Buffer, timestamp: number): void {
    this.camera?.writeAudio(payload, timestamp);
  }

  get processedPath(): string | null {
    return this.processed?.path ?? null;
  }

  /** Starts recording the processed video to `path` (its container from the codec); returns the file. */
  startProcessed(path: string, video: { codec: VideoCodecName; width: number; height: number }): string {
    if (this.processed) return this.processed.path;
    const file = chooseRecordingPath(path, video.codec);
    this.processed = new Recorder(file, video);
    this.results = new ResultsLog(`${file.slice(0, file.lastIndexOf('.'))}.results.jsonl`);
    this.log.info(`recording the processed video to ${file}, its results to ${this.results.path}`);
    return file;
  }

  /** A frame of what goes back; its data is read only while recording. */
  processedVideo(frame: VideoSample): void {
    const at = this.processed?.writeVideo(frame.data, frame.timestamp, frame.keyframe);
    if (at !== undefined && frame.time !== undefined) this.results?.frame(frame.time, at);
  }

  /** A filter's results: into the processed recording's results, while it runs. */
  result(event: ResultEvent): void {
    this.results?.write(event);
  }

  /** Stops the processed recording; returns its file (undefined when none was running). */
  stopProcessed(): string | undefined {
    const recorder = this.processed;
    this.processed = undefined;
    this.finish(recorder);
    this.results?.close();
    this.results = undefined;
    return recorder?.path;
  }

  close(): void {
    this.finish(this.camera);
    this.camera = undefined;
    this.stopProcessed();
  }

  private finish(recorder: Recorder | undefined): void {
    try {
      recorder?.close();
    } catch (error) {
      this.log.warn(`closing the recording failed: ${(error as Error).message}`);
    }
  }
}
