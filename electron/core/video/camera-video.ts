import type { MediaStreamTrack, RTCRtpTransceiver, RtpPacket } from 'werift';
import { SessionBitrate, type BitrateInfo } from '../rate/session-bitrate.js';
import { HttpError } from '../base/http-error.js';
import type { Logger } from '../base/log.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { SessionRecordings } from '../recording/session-recordings.js';
import { describeChain, isIdentityChain, type TransformChain } from '../transforms/chain.js';
import type { TransformResult } from '../transforms/types.js';
import { Viewer, type ViewerOptions } from '../webrtc/viewer.js';
import { replaceReceiverTwcc, senderExtensionId } from '../webrtc/werift-internals.js';
import { SOURCE_TIMESTAMP_URI } from '../webrtc/media-config.js';
import { onPeerKeyframeRequest } from '../webrtc/peer-keyframe-requests.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import { FrameAssembler } from '../receive/frame-assembler.js';
import { createPacketizer } from '../send/packetizer.js';
import { CameraKeyframes } from '../receive/camera-keyframes.js';
import { TwccFeedback } from '../receive/twcc-feedback.js';
import { VideoOutput } from '../send/video-output.js';
import { CodecWorkerClient, type VideoStats } from './codec-worker-client.js';
import { WorkerFeed } from '../send/worker-feed.js';
import type { WorkerPool } from './worker-pool.js';

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
  /** A chain's transforms reported results / failed (the session keeps them for its info). */
  onResults(results: Record<string, TransformResult>): void;
  onTransformErrors(errors: string[]): void;
}

/**
 * One camera's video, from the packets it sends to what goes back (to it and to its viewers):
 *
 *   browser RTP -> our transport-cc feedback -> FrameAssembler -> (forwarded as it came, or)
 *   WorkerFeed -> codec worker (decode, chain, encode) -> VideoOutput (paced) -> the camera, viewers
 *
 * with PLI when frames are lost or the decoder needs a keyframe, and the send bitrate from the
 * camera's feedback on what we send (SessionBitrate). `onBrowserPacket` is that path, top to bottom.
 */
export class CameraVideo {
  readonly codec: VideoCodecName;
  private chain: TransformChain;
  private pipeline?: CodecWorkerClient;
  private rate?: RateSettings;
  private readonly output: VideoOutput;
  private readonly assembler: FrameAssembler;
  private readonly feed = new WorkerFeed();
  private readonly pli: CameraKeyframes;
  private readonly twcc: TwccFeedback;
  private readonly bitrate: SessionBitrate;
  private readonly viewers = new Map<string, Viewer>();
  /** Run at close: unsubscriptions, and each viewer's close (a viewer that leaves first removes its own). */
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

    this.twcc = new TwccFeedback((packet) => void receiver.dtlsTransport.sendRtcp([packet]).catch(() => {}), receiver.rtcpSsrc, () => incoming.ssrc ?? 0);
    replaceReceiverTwcc(receiver, this.twcc);
    this.assembler = new FrameAssembler(codec);
    this.pli = new CameraKeyframes(() => {
      if (incoming.ssrc !== undefined && !this.closed) receiver.sendRtcpPLI(incoming.ssrc).catch(() => {});
    });
    this.output = new VideoOutput(sender, outgoing, createPacketizer(codec, negotiated.payloadType), () => this.pli.request(), isIdentityChain(this.chain), senderExtensionId(sender, SOURCE_TIMESTAMP_URI));
    this.output.onSent = (frame) => options.recordings.processedVideo(frame);
    this.bitrate = new SessionBitrate(
      sender,
      (settings) => {
        this.rate = settings;
        this.pipeline?.setRate(settings);
        // The pacer follows the link, not the cap: the cap limits what the encoder makes; bursts
        // only need to fit the path's queue, which is what the estimate measures (as Chrome's
        // pacer does). Paced at 2.5x a 900 kbps cap, a 640x480 keyframe took 40 ms to leave.
        if (settings.estimate !== undefined) this.output.setLinkRate(settings.estimate);
      },
      options.maxBitrate,
    );
    const plugins = options.plugins;
    if (plugins) this.stops.add(plugins.onChange(() => this.pipeline?.reloadPlugins(plugins.forWorker)));
    this.stops.add(onPeerKeyframeRequest(sender, () => this.requestKeyframe()));
    incoming.onReceiveRtp.subscribe((packet: RtpPacket) => this.onBrowserPacket(packet));
    this.pli.request();
  }

  /** One packet from the camera, all the way through. */
  private onBrowserPacket(packet: RtpPacket): void {
    // While forwarding it goes straight back, like an echo, with no wait for the rest of its frame.
    this.output.fromBrowserPacket(packet);
    const { frames, lost } = this.assembler.push(packet);
    if (lost) this.pli.request();
    for (const frame of frames) {
      if (frame.keyframe) this.pli.received();
      this.options.recordings.cameraVideo(frame);
      if (this.feed.accepts(frame, this.output.forwardingSettled)) this.pipelineNow().push(frame);
      // Now forwarding the camera's own stream: the worker may stop encoding.
      if (this.output.fromBrowser(frame)) this.pipeline?.setChain(this.chain);
    }
  }

  /**
   * The codec worker (~75 MB, an OpenCV.js runtime) is taken when the camera's first frame
   * arrives, not with the offer: an offer whose peer never connects, or sends no video, holds none.
   */
  private pipelineNow(): CodecWorkerClient {
    if (this.pipeline) return this.pipeline;
    const { log, codec } = this.options;
    const pipeline = new CodecWorkerClient(
      this.options.pool.take(),
      codec,
      this.chain,
      {
        onFrame: (frame) => {
          this.options.onResults(frame.results);
          this.output.processed(frame);
        },
        onNeedKeyframe: (reason) => {
          log.debug(`asking for a keyframe: ${reason}`);
          this.pli.request();
        },
        onError: (message) => log.warn(`pipeline: ${message}`),
        onLog: (message) => log.info(message),
        onSize: (width, height) => {
          this.feed.sizeKnown = true;
          if (this.options.recordings.startCamera(codec, width, height)) this.pli.request();
        },
        onTransformErrors: (errors) => this.options.onTransformErrors(errors),
      },
      this.options.plugins?.forWorker,
    );
    if (this.rate) pipeline.setRate(this.rate);
    return (this.pipeline = pipeline);
  }

  /** Applies to the next frame; into forwarding it waits for the camera's next keyframe. */
  setChain(chain: TransformChain): void {
    this.chain = chain;
    const forward = isIdentityChain(chain);
    const wasSettled = this.output.forwardingSettled;
    this.output.setForwarding(forward);
    if (forward) return;
    this.pipeline?.setChain(chain);
    // The worker was not decoding while we forwarded: it starts again at the camera's next keyframe.
    if (wasSettled) this.requestKeyframe();
  }

  /** A keyframe of what goes back: the camera's own (forwarding) or the encoder's. */
  requestKeyframe(): void {
    if (this.output.forwarding || !this.pipeline) this.pli.request();
    else this.pipeline.requestKeyframe();
  }

  setMaxBitrate(bps: number | undefined): void {
    this.bitrate.setCap(bps);
  }

  get forwarding(): boolean {
    return this.output.forwarding;
  }

  get framesSent(): number {
    return this.output.framesSent;
  }

  get stats(): VideoStats | undefined {
    return this.pipeline?.stats;
  }

  get bitrateInfo(): BitrateInfo {
    return this.bitrate.info();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Records what goes back; the picture keeps the camera's size while it runs, from a keyframe. */
  startProcessedRecording(path: string): string {
    const stats = this.pipeline?.stats;
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

  /** A receiver of what goes back (the panel's preview, a WHEP player): see Viewer. */
  async addViewer(sdp: string, options: Omit<ViewerOptions, 'iceServers'>): Promise<{ viewer: Viewer; sdp: string }> {
    const answered = await Viewer.answer(
      sdp,
      {
        codec: this.codec,
        output: this.output,
        requestKeyframe: () => this.requestKeyframe(),
        onClose: (listener) => {
          this.stops.add(listener);
          return () => this.stops.delete(listener);
        },
      },
      { ...options, iceServers: this.options.iceServers },
    );
    const { viewer } = answered;
    this.viewers.set(viewer.id, viewer);
    viewer.onClose(() => this.viewers.delete(viewer.id));
    return answered;
  }

  viewer(id: string): Viewer | undefined {
    return this.viewers.get(id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.twcc.stop();
    this.pli.stop();
    this.output.stop();
    this.bitrate.stop();
    for (const stop of [...this.stops]) stop();
    this.stops.clear();
    await this.pipeline?.close();
  }
}
