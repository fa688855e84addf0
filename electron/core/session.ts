import { randomUUID } from 'node:crypto';
import { MediaStreamTrack, RTCPeerConnection, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { SessionAudio } from './audio/session-audio.js';
import { SessionBitrate, type BitrateInfo } from './bandwidth/session-bitrate.js';
import type { RateSettings } from './pipeline/encoder-rate.js';
import type { AudioMode } from './cli.js';
import type { Logger } from './log.js';
import type { OfferRequest } from './signaling.js';
import { HttpError } from './http-error.js';
import { FrameAssembler } from './pipeline/frame-assembler.js';
import { chooseRecordingPath } from './recording/container.js';
import { Recorder } from './recording/recorder.js';
import { createPacketizer } from './pipeline/frame-packetizer.js';
import { VideoOutput } from './pipeline/video-output.js';
import { WorkerFeed } from './pipeline/worker-feed.js';
import { KeyframeRequester } from './pipeline/keyframe-requester.js';
import { TwccFeedback } from './pipeline/twcc-feedback.js';
import { VideoPipeline, type PipelineStats } from './pipeline/video-pipeline.js';
import type { WorkerPool } from './pipeline/worker-pool.js';
import { videoCodecOf, type VideoCodecName } from './media/codecs.js';
import type { PluginHost } from './plugin-host.js';
import { ChainError, describeChain, isIdentityChain, parseChain, type TransformChain } from './transforms/chain.js';
import type { TransformResult } from './transforms/types.js';
import { DATA_ONLY_QUIET_MS, MEDIA_QUIET_MS } from './webrtc/departure-watch.js';
import type { NetworkStats } from './webrtc/network-stats.js';
import { audioCodecParameters, hintStartBitrate, iceOptionsFor, localIceUfrag, putCandidatesFirst, videoCodecList, videoHeaderExtensions, waitForGathering } from './webrtc/peer-config.js';
import type { IceServer } from './webrtc/ice-servers.js';
import { resolveMdnsCandidates } from './webrtc/mdns-candidates.js';
import { sayGoodbye } from './webrtc/goodbye.js';
import { replaceReceiverTwcc } from './webrtc/werift-internals.js';
import { PeerWatch } from './webrtc/peer-watch.js';
import { Viewer, type ViewerOptions } from './webrtc/viewer.js';


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
  /** Transform failures (e.g. a plugin that threw), newest last; the session keeps running. */
  errors: string[];
  /** True while the browser's own packets are sent back untouched (identity filter). */
  forwarding: boolean;
  /** Frames sent back to the browser, forwarded or processed. */
  framesSent: number;
  stats?: PipelineStats;
}

/** A data channel the browser opened, with the reliability it asked for (honoured by werift's SCTP). */
export interface DataChannelInfo {
  label: string;
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
}

/**
 * One remote camera: a werift peer answering the browser's offer, whose incoming video goes through
 * a codec worker and comes back on the same transceiver (sendrecv).
 */
export class Session {
  readonly id = randomUUID();
  readonly createdAt = Date.now();
  readonly remoteAddress: string;
  readonly source: CameraSource;
  private readonly pc: RTCPeerConnection;
  private watch?: PeerWatch;
  private readonly viewers = new Map<string, Viewer>();
  readonly log: Logger;
  private pipeline?: VideoPipeline;
  private output?: VideoOutput;
  private codec?: VideoCodecName;
  private closed = false;
  private readonly closeListeners = new Set<() => void>();
  private results: Record<string, TransformResult> = {};
  private readonly errors: string[] = [];

  private audio?: SessionAudio;
  private recorder?: Recorder;
  /** The processed video being recorded on request (the panel's record button). */
  private processedRecorder?: Recorder;
  private readonly offeredAudio: boolean;
  private readonly dataChannels: DataChannelInfo[] = [];
  private bitrate?: SessionBitrate;

  private constructor(private transform: TransformChain, private readonly options: SessionOptions, offer: OfferRequest) {
    this.log = options.log.child(`[${this.id.slice(0, 8)}]`);
    this.remoteAddress = options.remoteAddress ?? '';
    this.source = options.source ?? 'offer';
    this.offeredAudio = offer.audioCodecs.length > 0;
    this.pc = new RTCPeerConnection({
      codecs: { video: videoCodecList(offer.videoCodecs), audio: offer.audioCodecs.map((codec) => audioCodecParameters[codec]()) },
      headerExtensions: { video: videoHeaderExtensions() },
      iceServers: options.iceServers ?? [],
      ...iceOptionsFor(options.localAddress, { withLoopback: this.source === 'whip' }),
      // werift drops a packet when x/100 < random(), i.e. it keeps x %.
      debug: options.lossPercent ? { inboundPacketLoss: 100 - options.lossPercent, outboundPacketLoss: 100 - options.lossPercent } : undefined,
    });
    this.pc.connectionStateChange.subscribe((state) => {
      this.log.info(`connection ${state}`);
      if (state === 'connected') this.audio?.start();
    });
    this.pc.iceConnectionStateChange.subscribe((state) => this.log.debug(`ice connection ${state}`));
    this.pc.iceGatheringStateChange.subscribe((state) => this.log.debug(`ice gathering ${state}`));
    this.pc.signalingStateChange.subscribe((state) => this.log.debug(`signaling ${state}`));
    this.pc.onDataChannel.subscribe((channel) => {
      this.dataChannels.push({ label: channel.label, ordered: channel.ordered, maxRetransmits: channel.maxRetransmits ?? null, maxPacketLifeTime: channel.maxPacketLifeTime ?? null });
      this.log.debug(`data channel "${channel.label}" ordered=${channel.ordered} maxRetransmits=${channel.maxRetransmits} maxPacketLifeTime=${channel.maxPacketLifeTime}`);
      channel.onMessage.subscribe((message) => {
        if (typeof message !== 'string') return;
        // aiortc's example protocol: "ping <n>" -> "pong <n>".
        if (message.startsWith('ping')) channel.send(`pong${message.slice(4)}`);
        else if (channel.label === 'control') channel.send(JSON.stringify(this.handleControl(message)));
      });
    });
  }

  /** Answers an offer: returns the live session and the answer SDP (with all our candidates). */
  static async answer(offer: OfferRequest, options: SessionOptions): Promise<{ session: Session; sdp: string }> {
    const session = new Session(offer.videoTransform, options, offer);
    try {
      const sdp = await session.negotiate(offer);
      return { session, sdp };
    } catch (error) {
      await session.close();
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, `cannot answer this offer: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Connected at least once: a live camera, no longer a pending offer (see Admission). */
  get everConnected(): boolean {
    return this.watch?.everConnected ?? false;
  }

  info(): SessionInfo {
    return {
      id: this.id,
      createdAt: this.createdAt,
      source: this.source,
      viewers: this.viewers.size,
      connectionState: this.pc.connectionState,
      iceConnectionState: this.pc.iceConnectionState,
      iceGatheringState: this.pc.iceGatheringState,
      signalingState: this.pc.signalingState,
      audioCodec: this.audio?.codec,
      dataChannels: this.dataChannels,
      recording: this.processedRecorder?.path ?? null,
      network: this.watch?.network.stats ?? { receivedBps: 0, sentBps: 0, rttMs: null },
      bitrate: this.bitrate?.info() ?? null,
      codec: this.codec,
      transform: this.transform,
      results: this.results,
      errors: this.errors,
      forwarding: this.output?.forwarding ?? false,
      framesSent: this.output?.framesSent ?? 0,
      stats: this.pipeline?.stats,
    };
  }

  /** A ceiling for the bitrate of the video sent back (undefined: the estimate and the picture size decide). */
  setMaxBitrate(bps: number | undefined): void {
    this.bitrate?.setCap(bps);
  }

  /** Applies to the next frame; into an identity chain it waits for the browser's next keyframe. */
  setTransform(chain: TransformChain): void {
    this.transform = chain;
    this.log.info(`transform ${describeChain(chain)}`);
    const identity = isIdentityChain(chain);
    const wasIdle = this.output?.idle;
    this.output?.setIdentity(identity);
    if (!identity) {
      this.pipeline?.setChain(chain);
      // The worker was not decoding while we forwarded: it starts again at the browser's next keyframe.
      if (wasIdle) this.requestKeyframe();
    }
  }

  /**
   * --record-to: once the picture size is known (the container header needs it). True when it
   * started: the recording begins at the browser's next keyframe, which the caller asks for.
   */
  private startRecording(codec: VideoCodecName, width: number, height: number): boolean {
    if (!this.options.recordTo || this.recorder || this.closed) return false;
    const path = chooseRecordingPath(this.options.recordTo, codec, this.audio?.codec);
    try {
      this.recorder = new Recorder(path, { codec, width, height }, this.audio?.codec);
      this.log.info(`recording to ${path}`);
      return true;
    } catch (error) {
      this.log.warn(`cannot record: ${(error as Error).message}`);
      return false;
    }
  }

  /** Starts recording the processed video (what goes back to the browser) to `path`; a keyframe is asked for. */
  startProcessedRecording(path: string): string {
    if (this.processedRecorder) return this.processedRecorder.path;
    const stats = this.pipeline?.stats;
    if (!this.codec || !stats?.width) throw new HttpError(409, 'no video yet: try again once the camera is sending');
    const file = chooseRecordingPath(path, this.codec);
    this.processedRecorder = new Recorder(file, { codec: this.codec, width: stats.width, height: stats.height });
    // The recording keeps one picture size: no scaling down for a slow link while it runs.
    this.bitrate?.setKeepSize(true);
    this.requestKeyframe();
    this.log.info(`recording the processed video to ${file}`);
    return file;
  }

  /** Stops the processed recording; returns its file (undefined when none was running). */
  stopProcessedRecording(): string | undefined {
    const recorder = this.processedRecorder;
    this.processedRecorder = undefined;
    this.bitrate?.setKeepSize(false);
    this.closeRecorder(recorder);
    return recorder?.path;
  }

  private requestKeyframe: () => void = () => {};

  /** A recording that fails to finish is logged; it must not stop the session from closing. */
  private closeRecorder(recorder: Recorder | undefined): void {
    try {
      recorder?.close();
    } catch (error) {
      this.log.warn(`closing the recording failed: ${(error as Error).message}`);
    }
  }

  /** A receiver of the processed video (the panel's preview, a WHEP player): see Viewer. */
  async addViewer(sdp: string, options: Omit<ViewerOptions, 'log' | 'iceServers'>): Promise<{ viewer: Viewer; sdp: string }> {
    const output = this.output;
    if (!output || !this.codec) throw new HttpError(409, 'no video yet: try again once the camera is sending');
    const answered = await Viewer.answer(
      sdp,
      { codec: this.codec, output, requestKeyframe: () => this.requestKeyframe(), onClose: (listener) => this.onClose(listener) },
      { ...options, log: this.log, iceServers: this.options.iceServers },
    );
    const { viewer } = answered;
    this.viewers.set(viewer.id, viewer);
    viewer.onClose(() => this.viewers.delete(viewer.id));
    return answered;
  }

  viewer(id: string): Viewer | undefined {
    return this.viewers.get(id);
  }

  /** Our ICE username fragment: a WHIP resource's ETag. */
  get iceUfrag(): string | undefined {
    return localIceUfrag(this.pc);
  }

  /** The client's ICE username fragment (from its offer): a trickle PATCH must carry it. */
  get remoteIceUfrag(): string | undefined {
    return this.pc.remoteDescription?.sdp.match(/^a=ice-ufrag:(\S+)/m)?.[1];
  }

  /** A candidate the client trickled (WHIP PATCH); `.local` names get its HTTP address. */
  addIceCandidate(candidate: { candidate: string; sdpMid?: string; sdpMLineIndex: number }): Promise<void> {
    const line = resolveMdnsCandidates(`a=${candidate.candidate}`, this.remoteAddress).slice(2);
    return this.pc.addIceCandidate({ ...candidate, candidate: line });
  }

  /** The phone page's 'control' data channel: {"transform": <chain>} in, session info (or {error}) out. */
  private handleControl(text: string): object {
    try {
      const message = JSON.parse(text) as { transform?: unknown };
      if (message.transform !== undefined) this.setTransform(parseChain(message.transform));
      return { type: 'info', info: this.info() };
    } catch (error) {
      return { type: 'error', error: error instanceof ChainError || error instanceof SyntaxError ? error.message : 'bad control message' };
    }
  }

  /** Returns a disposer, for listeners that may leave before the session does (viewers). */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch?.stop();
    this.audio?.stop();
    this.closeRecorder(this.recorder);
    this.stopProcessedRecording();
    await sayGoodbye(this.pc);
    await Promise.allSettled([this.pipeline?.close(), this.pc.close()]);
    this.log.info('closed');
    for (const listener of this.closeListeners) listener();
  }

  private async negotiate(offer: OfferRequest): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: resolveMdnsCandidates(offer.sdp, this.remoteAddress) });
    // aiortc's client may offer no video at all (audio, a data channel, or both): answered as it is.
    const video = this.pc.getTransceivers().find((t) => t.kind === 'video');
    if (video) {
      // Without sendrecv the browser decodes our video but never fires ontrack. A publisher that
      // only sends (WHIP) gets a recvonly answer (werift answers the offer's direction and ours
      // combined): the processed video goes to viewers, recordings and the preview only.
      video.setDirection('sendrecv');
      hintStartBitrate(video.codecs);
      const outgoing = new MediaStreamTrack({ kind: 'video' });
      if (!offer.videoSendOnly) video.sender.replaceTrack(outgoing);
      // werift announces the remote track during setRemoteDescription (pc.onTrack), so take it from the receiver.
      this.startPipeline(video, video.receiver.track, outgoing);
    }
    const audio = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (audio && this.options.audio && this.offeredAudio) {
      this.audio = new SessionAudio(audio, offer.audioSendOnly ? 'receive' : this.options.audio);
      this.audio.onIncoming((payload, timestamp) => this.recorder?.writeAudio(payload, timestamp));
    }

    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const media = offer.videoCodecs.length > 0 || offer.audioCodecs.length > 0;
    const quietMs = media ? (this.options.departureMs ?? MEDIA_QUIET_MS) : DATA_ONLY_QUIET_MS;
    this.watch = new PeerWatch(this.pc, { log: this.log, connectTimeoutMs: this.options.connectTimeoutMs, quietMs }, () => void this.close());
    await waitForGathering(this.pc);
    return putCandidatesFirst(this.pc.localDescription!.sdp, this.options.localAddress);
  }

  private startPipeline(transceiver: RTCRtpTransceiver, incoming: MediaStreamTrack, outgoing: MediaStreamTrack): void {
    const negotiated = transceiver.codecs[0];
    // The offer was checked for a codec we have (parseOffer): the answer holds only ours.
    const codec = videoCodecOf(negotiated.mimeType) ?? 'vp8';
    this.codec = codec;
    this.log.info(`receiving ${codec} (payload type ${negotiated.payloadType}), transform ${describeChain(this.transform)}`);

    const { receiver } = transceiver;
    const twcc = new TwccFeedback((packet) => void receiver.dtlsTransport.sendRtcp([packet]).catch(() => {}), receiver.rtcpSsrc, () => incoming.ssrc ?? 0);
    replaceReceiverTwcc(receiver, twcc);
    this.onClose(() => twcc.stop());

    const assembler = new FrameAssembler(codec);
    const feed = new WorkerFeed();
    const pli = new KeyframeRequester(() => {
      if (incoming.ssrc !== undefined && !this.closed) receiver.sendRtcpPLI(incoming.ssrc).catch(() => {});
    });
    this.onClose(() => pli.stop());
    const output = new VideoOutput(transceiver.sender, outgoing, createPacketizer(codec, negotiated.payloadType), () => pli.request(), isIdentityChain(this.transform));
    this.output = output;
    this.onClose(() => output.stop());
    output.onSent = (data, timestamp, keyframe) => this.processedRecorder?.writeVideo(data, timestamp, keyframe);
    // The codec worker (~75 MB, an OpenCV.js runtime) is taken when the camera's first frame
    // arrives, not with the offer: an offer whose peer never connects, or sends no video, holds none.
    let rate: RateSettings | undefined;
    const pipelineNow = (): VideoPipeline => {
      if (this.pipeline) return this.pipeline;
      const pipeline = new VideoPipeline(
        this.options.pool.take(),
        codec,
        this.transform,
        {
          onFrame: (frame) => {
            this.results = frame.results;
            output.processed(frame);
          },
          onNeedKeyframe: (reason) => {
            this.log.debug(`asking for a keyframe: ${reason}`);
            pli.request();
          },
          onError: (message) => this.log.warn(`pipeline: ${message}`),
          onLog: (message) => this.log.info(message),
          onSize: (width, height) => {
            feed.sizeKnown = true;
            if (this.startRecording(codec, width, height)) pli.request();
          },
          onTransformErrors: (errors) => {
            for (const error of errors) this.log.warn(`transform: ${error}`);
            this.errors.push(...errors);
            this.errors.splice(0, Math.max(0, this.errors.length - 20));
          },
        },
        this.options.plugins?.forWorker,
      );
      if (rate) pipeline.setRate(rate);
      return (this.pipeline = pipeline);
    };
    const bitrate = new SessionBitrate(
      transceiver.sender,
      (settings) => {
        rate = settings;
        this.pipeline?.setRate(settings);
        output.setTargetBitrate(Math.min(settings.estimate ?? Infinity, settings.cap ?? Infinity));
      },
      this.options.maxBitrate,
    );
    this.bitrate = bitrate;
    this.onClose(() => bitrate.stop());
    const plugins = this.options.plugins;
    if (plugins) this.onClose(plugins.onChange(() => this.pipeline?.reloadPlugins(plugins.forWorker)));
    transceiver.sender.onPictureLossIndication.subscribe(() => this.requestKeyframe());
    incoming.onReceiveRtp.subscribe((packet: RtpPacket) => {
      output.fromBrowserPacket(packet);
      const { frames, lost } = assembler.push(packet);
      if (lost) pli.request();
      for (const frame of frames) {
        if (frame.keyframe) pli.received();
        this.recorder?.writeVideo(frame.data, frame.timestamp, frame.keyframe);
        if (feed.accepts(frame, output.idle)) pipelineNow().push(frame);
        // Now forwarding the browser's own stream: the worker may stop encoding.
        if (output.fromBrowser(frame)) this.pipeline?.setChain(this.transform);
      }
    });
    this.requestKeyframe = () => (output.forwarding || !this.pipeline ? pli.request() : this.pipeline.requestKeyframe());
    pli.request();
  }
}
