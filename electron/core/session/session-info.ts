import type { AudioMode } from '../audio/session-audio.js';
import type { GuardCounts } from '../base/guard-counts.js';
import type { Logger } from '../base/log.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { BitrateInfo } from '../rate/session-bitrate.js';
import type { TransformChain } from '../transforms/chain.js';
import type { TransformResult } from '../transforms/types.js';
import type { ModelInfo } from './session-results.js';
import type { VideoStats } from '../video/codec-worker-client.js';
import type { WorkerPool } from '../video/worker-pool.js';
import type { DataChannelInfo } from '../webrtc/data-channels.js';
import type { IceServer } from '../webrtc/ice-servers.js';
import type { NetworkStats } from '../webrtc/network-stats.js';
import type { CameraDevice } from './offer-request.js';

export interface SessionOptions {
  pool: WorkerPool;
  log: Logger;
  iceServers?: IceServer[];
  maxBitrate?: number;
  plugins?: PluginHost;
  audio?: AudioMode;
  /** Record what this camera sends to this file. */
  recordTo?: string;
  /** See ServerOptions.lossPercent. */
  lossPercent?: number;
  /** The address the browser's offer reached us at (see iceOptionsFor). */
  localAddress?: string;
  /** The address the offer came from (Admission budgets offers per address). */
  remoteAddress?: string;
  /** See ServerOptions.connectTimeoutMs. */
  connectTimeoutMs?: number;
  /** See ServerOptions.departureMs. */
  departureMs?: number;
  /** See ServerOptions.maxPixels. */
  maxPixels?: number;
  /** How the camera came: the camera page (or aiortc's client) by POST /offer, or a WHIP publisher. */
  source?: CameraSource;
}

export type CameraSource = 'offer' | 'whip';

export interface SessionInfo {
  id: string;
  createdAt: number;
  source: CameraSource;
  /** Receivers of the processed video besides the camera: the panel's preview and WHEP players. */
  viewers: number;
  connectionState: string;
  iceConnectionState: string;
  iceGatheringState: string;
  signalingState: string;
  audioCodec?: string;
  dataChannels: DataChannelInfo[];
  /** File the processed video is being recorded to, if any. */
  recording: string | null;
  /** Measured each second from werift's stats: bits per second each way, round-trip time. */
  network: NetworkStats;
  /** The send-side estimate and cap the encoder follows. */
  bitrate: BitrateInfo | null;
  codec?: VideoCodecName;
  transform: TransformChain;
  /** What the chain's transforms last reported (faces, motion, ...), by transform id. */
  results: Record<string, TransformResult>;
  /** The chain's detect filters that gave results: rate, age, throttling (docs/detect.md). */
  models: ModelInfo[];
  /** Clients of GET /api/sessions/:id/results. */
  resultListeners: number;
  /** Transform failures (e.g. a plugin that threw), newest last; the session keeps running. */
  errors: string[];
  /** True while the browser's own packets are sent back untouched (identity filter). */
  forwarding: boolean;
  /** Whole frames from the camera. */
  framesReceived: number;
  /** Frames sent back to the browser, forwarded or processed. */
  framesSent: number;
  /** The codec worker's figures; undefined until the camera's first frame takes a worker. */
  stats?: VideoStats;
  /** The phone camera it is (the camera page says), whose filter the settings remember; null for other clients. */
  device: CameraDevice | null;
  /** The last second's figures (see RateMeter); null before the first second. */
  rates: CallRates | null;
  /**
   * The frame rate this camera should send at most: its share of what the machine can process (see
   * FrameShare); null when it may send all it has (its share is more, or its frames are not processed).
   */
  sendFps: number | null;
  /** What the session's guards refused or repaired (a peer sending too much, too large or broken video). */
  guard: GuardCounts;
}

/** One camera's figures over the last second: what the panel graphs and the phone's overlay shows. */
export interface CallRates {
  /** When (ms since the epoch). */
  at: number;
  /** Frames a second from the camera, and sent back to it. */
  fpsIn: number;
  fpsOut: number;
  /** Bits a second each way (all of the peer's traffic). */
  bpsIn: number;
  bpsOut: number;
  /** Decode + filter + encode per frame (smoothed); null while the camera's own packets go back (no processing). */
  msPerFrame: number | null;
  rttMs: number | null;
  /** Packets lost from the camera, and on the way back (as the phone reports), in %. */
  lossInPct: number | null;
  lossOutPct: number | null;
  /** A detect filter's results a second, and how old its latest results are; null without one. */
  modelFps: number | null;
  resultAgeMs: number | null;
}
