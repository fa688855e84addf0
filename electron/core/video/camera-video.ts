import type { MediaStreamTrack, RTCRtpTransceiver, RtpPacket } from 'werift';
import { SessionBitrate, type BitrateInfo } from '../rate/session-bitrate.js';
import { HttpError } from '../base/http-error.js';
import type { Logger } from '../base/log.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { SessionRecordings } from '../recording/session-recordings.js';
import { describeChain, type TransformChain } from '../transforms/chain.js';
import type { ViewerOptions } from '../webrtc/viewer.js';
import { CameraViewers } from './camera-viewers.js';
import { replaceReceiverTwcc, senderExtensionId } from '../webrtc/werift-internals.js';
import { SOURCE_TIMESTAMP_URI } from '../webrtc/media-config.js';
import { onPeerKeyframeRequest } from '../webrtc/peer-keyframe-requests.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import { FrameAssembler } from '../receive/frame-assembler.js';
import { createPacketizer } from '../send/packetizer.js';
import { CameraKeyframes } from '../receive/camera-keyframes.js';
import { TwccFeedback } from '../receive/twcc-feedback.js';
import { Forwarding } from '../send/forwarding.js';
import { VideoOutput } from '../send/video-output.js';
import type { AssembledFrame } from '../media/frames.js';
import { CodecWorkerClient, type ProcessedFrame, type VideoStats } from './codec-worker-client.js';
import type { WorkerPool } from './worker-pool.js';
import type { ResultEvent } from '../detect/events.js';

export interface CameraVideoOptions {
  codec: VideoCodecName;
  chain: TransformChain;
  pool: WorkerPool;
  log: Logger;
  recordings: SessionRecordings;
  plugins?: PluginHost;
  /** --max-bitrate. */
  maxBitrate?: number;
  /** For viewers' peers. */
  iceServers?: ViewerOptions['iceServers'];
  /** A filter's results: each detect result, and each apply filter's results with its frame. */
  onResult(event: ResultEvent): void;
  /** A chain's transforms failed (the session keeps them for its info). */
  onTransformErrors(errors: string[]): void;
}

/**
 * One camera's video, from the packets it sends to what goes back (to it and to its viewers):
 *
 *   camera RTP -> our transport-cc feedback -> FrameAssembler -> (forwarded as it came, or)
 *   codec worker (decode, chain, encode) -> VideoOutput (paced) -> the camera, viewers
 *
 * Forwarding decides which; CameraKeyframes asks the camera for keyframes (when frames are lost,
 * the decoder needs one, or a switch waits for one); SessionBitrate sets the send bitrate from the
 * camera's feedback on what we send. `onCameraPacket` is that path, top to bottom.
 */
export class CameraVideo {
  readonly codec: VideoCodecName;
  private chain: TransformChain;
  private worker?: CodecWorkerClient;
  private rate?: RateSettings;
  private readonly output: VideoOutput;
  private readonly assembler: FrameAssembler;
  private readonly forwarding: Forwarding;
  private readonly keyframes: CameraKeyframes;
  private readonly twcc: TwccFeedback;
  private readonly bitrate: SessionBitrate;
  /** The panel's preview and WHEP players: receivers of the same packets. */
  readonly viewers: CameraViewers;
  /** Run at close: unsubscriptions. */
  private readonly stops = new Set<() => void>();
  private closed = false;

  constructor(
    transceiver: RTCRtpTransceiver,
    incoming: MediaStreamTrack,
    outgoing: MediaStreamTrack,
    private readonly options: CameraVideoOptions,
  ) {
    const { codec, log } = options;
    this.codec = codec;
    this.chain = options.chain;
    const negotiated = transceiver.codecs[0]!;
    log.info(`receiving ${codec} (payload type ${negotiated.payloadType}), transform ${describeChain(this.chain)}`);
    const { receiver, sender } = transceiver;

    this.twcc = new TwccFeedback(
      (packet) => void receiver.dtlsTransport.sendRtcp([packet]).catch(() => {}),
      receiver.rtcpSsrc,
      () => incoming.ssrc ?? 0,
    );
    replaceReceiverTwcc(receiver, this.twcc);
    this.assembler = new FrameAssembler(codec);
    this.forwarding = new Forwarding(this.chain);
    this.keyframes = new CameraKeyframes(() => {
      if (incoming.ssrc !== undefined && !this.closed) receiver.sendRtcpPLI(incoming.ssrc).catch(() => {});
    });
    this.output = new VideoOutput(
      sender,
      outgoing,
      createPacketizer(codec, negotiated.payloadType),
      senderExtensionId(sender, SOURCE_TIMESTAMP_URI),
    );
    this.output.onSent = (frame) => options.recordings.processedVideo(frame);
    this.viewers = new CameraViewers({ codec, output: this.output, requestKeyframe: () => this.requestKeyframe() }, options.iceServers);
    this.bitrate = new SessionBitrate(
      sender,
      (settings) => {
        this.rate = settings;
        this.worker?.setRate(settings);
        // The pacer follows the link, not the cap: the cap limits what the encoder makes; bursts
        // only need to fit the path's queue, which is what the estimate measures (as Chrome's pacer does).
        if (settings.estimate !== undefined) this.output.setLinkRate(settings.estimate);
      },
      options.maxBitrate,
    );
    const plugins = options.plugins;
    if (plugins) this.stops.add(plugins.onChange(() => this.worker?.reloadPlugins(plugins.forWorker)));
    this.stops.add(onPeerKeyframeRequest(sender, () => this.requestKeyframe()));
    incoming.onReceiveRtp.subscribe((packet: RtpPacket) => this.onCameraPacket(packet));
    this.keyframes.request();
  }

  /** One packet from the camera, all the way through. */
  private onCameraPacket(packet: RtpPacket): void {
    // While forwarding it goes straight back, like an echo, with no wait for the rest of its frame.
    if (this.forwarding.now) this.output.forward(packet);
    const { frames, lost } = this.assembler.push(packet);
    if (lost) this.keyframes.request();
    for (const frame of frames) this.onCameraFrame(frame);
  }

  private onCameraFrame(frame: AssembledFrame): void {
    if (frame.keyframe) this.keyframes.received();
    this.options.recordings.cameraVideo(frame);
    if (!this.forwarding.settled) this.output.arrived(frame.timestamp);
    const { feedWorker, switched } = this.forwarding.cameraFrame(frame.keyframe);
    if (switched) {
      this.output.switchToCamera(frame);
      this.worker?.pause();
    }
    if (this.forwarding.now) this.output.forwarded(frame);
    if (feedWorker) this.workerNow().push(frame);
  }

  private onProcessedFrame(frame: ProcessedFrame): void {
    const verdict = this.forwarding.processedFrame(frame.keyframe);
    if (verdict !== 'drop') this.output.sendProcessed(frame, verdict === 'switch');
    // After the frame went out: a recording knows the frame its results belong to.
    const readyAt = Date.now();
    const startedAt = readyAt - frame.timings.transformMs - frame.timings.encodeMs;
    const { time: frameTime, workWidth: width, workHeight: height } = frame;
    for (const [id, results] of Object.entries(frame.results))
      this.options.onResult({ id, kind: 'apply', frameTime, startedAt, readyAt, width, height, results });
  }

  /**
   * The codec worker (~75 MB, an OpenCV.js runtime) is taken when the camera's first frame
   * arrives, not with the offer: an offer whose peer never connects, or sends no video, holds none.
   */
  private workerNow(): CodecWorkerClient {
    if (this.worker) return this.worker;
    const { log, codec } = this.options;
    const worker = new CodecWorkerClient(
      this.options.pool.take(),
      codec,
      this.forwarding.settled ? undefined : this.chain,
      {
        onFrame: (frame) => this.onProcessedFrame(frame),
        onNeedKeyframe: (reason) => {
          log.debug(`asking for a keyframe: ${reason}`);
          this.keyframes.request();
        },
        onError: (message) => log.warn(`codec worker: ${message}`),
        onLog: (message) => log.info(message),
        onSize: (width, height) => {
          this.forwarding.sizeFound();
          if (this.options.recordings.startCamera(codec, width, height)) this.keyframes.request();
        },
        onTransformErrors: (errors) => this.options.onTransformErrors(errors),
        onResult: (event) => this.options.onResult(event),
      },
      this.options.plugins?.forWorker,
    );
    if (this.rate) worker.setRate(this.rate);
    return (this.worker = worker);
  }

  /** Applies to the next frame; into forwarding it waits for the camera's next keyframe. */
  setChain(chain: TransformChain): void {
    this.chain = chain;
    const verdict = this.forwarding.setChain(chain);
    if (verdict.askCamera) this.keyframes.request();
    if (verdict.worker) this.worker?.setChain(verdict.worker.chain);
  }

  /** A keyframe of what goes back: the camera's own (forwarding) or the encoder's. */
  requestKeyframe(): void {
    if (this.forwarding.now || !this.worker) this.keyframes.request();
    else this.worker.requestKeyframe();
  }

  setMaxBitrate(bps: number | undefined): void {
    this.bitrate.setCap(bps);
  }

  /** The camera's own packets go back (see Forwarding). */
  get forwardingNow(): boolean {
    return this.forwarding.now;
  }

  get framesSent(): number {
    return this.output.framesSent;
  }

  get stats(): VideoStats | undefined {
    return this.worker?.stats;
  }

  get bitrateInfo(): BitrateInfo {
    return this.bitrate.info();
  }

  /** Records what goes back; the picture keeps the camera's size while it runs, from a keyframe. */
  startProcessedRecording(path: string): string {
    const stats = this.worker?.stats;
    if (!stats?.width) throw new HttpError(409, 'no video yet: try again once the camera is sending');
    const file = this.options.recordings.startProcessed(path, { codec: this.codec, width: stats.width, height: stats.height });
    this.bitrate.setKeepSize(true);
    this.requestKeyframe();
    return file;
  }

  stopProcessedRecording(): string | undefined {
    this.bitrate.setKeepSize(false);
    return this.options.recordings.stopProcessed();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.twcc.stop();
    this.keyframes.stop();
    this.output.stop();
    this.bitrate.stop();
    for (const stop of this.stops) stop();
    this.stops.clear();
    this.viewers.closeAll();
    await this.worker?.close();
  }
}
