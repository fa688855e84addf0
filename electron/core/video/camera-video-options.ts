import type { GuardCounts } from '../base/guard-counts.js';
import type { ResultEvent } from '../detect/events.js';
import type { Logger } from '../base/log.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { SessionRecordings } from '../recording/session-recordings.js';
import type { TransformChain } from '../transforms/chain.js';
import type { ViewerOptions } from '../webrtc/viewer.js';
import type { WorkerPool } from './worker-pool.js';

/** What CameraVideo is given: the camera's codec and chain, the session's shared parts, and where it reports. */
export interface CameraVideoOptions {
  codec: VideoCodecName;
  chain: TransformChain;
  pool: WorkerPool;
  log: Logger;
  recordings: SessionRecordings;
  plugins?: PluginHost;
  /** --max-bitrate. */
  maxBitrate?: number;
  /** --max-pixels: larger pictures are refused, not decoded (see FrameGuard). */
  maxPixels: number;
  /** The session's guard counts (see GuardCounts). */
  counts: GuardCounts;
  /** For viewers' peers. */
  iceServers?: ViewerOptions['iceServers'];
  /** A filter's results: each detect result, and each apply filter's results with its frame. */
  onResult(event: ResultEvent): void;
  /** A chain's transforms failed (the session keeps them for its info). */
  onTransformErrors(errors: string[]): void;
  /** Something about the camera's video the user should know (a refused picture size, a replaced worker). */
  onProblem(message: string): void;
}
