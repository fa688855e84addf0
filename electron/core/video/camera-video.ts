import type { MediaStreamTrack, RTCRtpTransceiver, RtpPacket } from 'werift';
import { SessionBitrate, type BitrateInfo } from '../rate/session-bitrate.js';
import { HttpError } from '../base/http-error.js';
import type { VideoCodecName } from '../media/codecs.js';
import { describeChain, type TransformChain } from '../transforms/chain.js';
import { CameraViewers } from './camera-viewers.js';
import { replaceReceiverTwcc, senderExtensionId } from '../webrtc/werift-internals.js';
import { SOURCE_TIMESTAMP_URI } from '../webrtc/media-config.js';
import { limitPeerRequests } from '../webrtc/peer-keyframe-requests.js';
import { FrameAssembler } from '../receive/frame-assembler.js';
import { createPacketizer } from '../send/packetizer.js';
import { CameraKeyframes } from '../receive/camera-keyframes.js';
import { TwccFeedback } from '../receive/twcc-feedback.js';
import { Forwarding } from '../send/forwarding.js';
import { VideoOutput } from '../send/video-output.js';
import type { AssembledFrame } from '../media/frames.js';
import type { ProcessedFrame, VideoStats } from './codec-worker-client.js';
import { WorkerFeed } from './worker-feed.js';
import { FrameGuard } from '../receive/frame-guard.js';
import type { CameraVideoOptions } from './camera-video-options.js';

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
  private readonly worker: WorkerFeed;
  private readonly guard: FrameGuard;
  private readonly peerRequests: { keyframe(): void; stop(): void };
  private readonly output: VideoOutput;
  private readonly assembler: FrameAssembler;
  framesReceived = 0; // whole frames from the camera, forwarded or processed
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
    this.guard = new FrameGuard(codec, options.maxPixels, options.counts, {
      refused: (message) => options.onProblem(message),
      askKeyframe: () => this.keyframes.request(),
    });
    this.worker = this.startWorkerFeed();
    this.output = new VideoOutput(
      sender,
      outgoing,
      createPacketizer(codec, negotiated.payloadType),
      senderExtensionId(sender, SOURCE_TIMESTAMP_URI),
    );
    this.output.onSent = (frame) => options.recordings.processedVideo(frame);
    this.viewers = new CameraViewers(
      { codec, output: this.output, requestKeyframe: () => this.peerRequests.keyframe() },
      options.iceServers,
    );
    this.bitrate = new SessionBitrate(
      sender,
      (settings) => {
        this.worker.setRate(settings);
        // The pacer follows the link, not the cap: the cap limits what the encoder makes; bursts
        // only need to fit the path's queue, which is what the estimate measures (as Chrome's pacer does).
        if (settings.estimate !== undefined) this.output.setLinkRate(settings.estimate);
      },
      options.maxBitrate,
    );
    if (options.plugins) this.stops.add(options.plugins.onChange(() => this.worker.reloadPlugins()));
    this.peerRequests = limitPeerRequests(sender, () => this.requestKeyframe(), options.counts);
    this.stops.add(() => this.peerRequests.stop());
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
    this.framesReceived++;
    if (frame.keyframe) this.keyframes.received();
    if (!this.guard.admit(frame)) return;
    this.options.recordings.cameraVideo(frame);
    if (!this.forwarding.settled) this.output.arrived(frame.timestamp);
    const { feedWorker, switched } = this.forwarding.cameraFrame(frame.keyframe);
    if (switched) {
      this.output.switchToCamera(frame);
      this.worker.pause();
    }
    if (this.forwarding.now) this.output.forwarded(frame);
    if (!feedWorker) return;
    if (frame.data.byteLength === 0) this.guard.malformed();
    else if (!this.worker.push(frame)) this.guard.shed();
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
  private startWorkerFeed(): WorkerFeed {
    const { log, codec, recordings } = this.options;
    return new WorkerFeed({
      codec,
      log,
      pool: this.options.pool,
      maxPixels: this.options.maxPixels,
      plugins: this.options.plugins,
      counts: this.options.counts,
      chainNow: () => (this.forwarding.settled ? undefined : this.chain),
      events: {
        onFrame: (frame) => this.onProcessedFrame(frame),
        needKeyframe: (reason) => {
          log.debug(`asking for a keyframe: ${reason}`);
          this.keyframes.request();
        },
        replaced: (message) => {
          this.options.onProblem(message);
          this.guard.resumeAtKeyframe();
          this.keyframes.request();
        },
        onSize: (width, height) => {
          this.forwarding.sizeFound();
          if (recordings.startCamera(codec, width, height)) this.keyframes.request();
        },
        onTransformErrors: (errors) => this.options.onTransformErrors(errors),
        onResult: (event) => this.options.onResult(event),
      },
    });
  }

  /** Applies to the next frame; into forwarding it waits for the camera's next keyframe. */
  setChain(chain: TransformChain): void {
    this.chain = chain;
    const verdict = this.forwarding.setChain(chain);
    if (verdict.askCamera) this.keyframes.request();
    if (verdict.worker) this.worker.setChain(verdict.worker.chain);
  }

  /** A keyframe of what goes back: the camera's own (forwarding) or the encoder's. */
  requestKeyframe(): void {
    if (this.forwarding.now || !this.worker.running) this.keyframes.request();
    else this.worker.requestKeyframe();
  }

  /** The call's path came back (an ICE restart): keyframes both ways rather than waiting for what was lost meanwhile. */
  transportBack(): void {
    this.keyframes.request();
    this.requestKeyframe();
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
    return this.worker.running || this.worker.stats.framesIn ? this.worker.stats : undefined;
  }

  get bitrateInfo(): BitrateInfo {
    return this.bitrate.info();
  }

  /** Records what goes back; the picture keeps the camera's size while it runs, from a keyframe. */
  startProcessedRecording(path: string): string {
    const stats = this.worker.stats;
    if (!stats.width) throw new HttpError(409, 'no video yet: try again once the camera is sending');
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
    void this.viewers.closeAll();
    await this.worker.close();
  }
}
