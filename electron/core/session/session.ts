import { randomBytes, randomUUID } from 'node:crypto';
import type { RTCPeerConnection } from 'werift';
import { SessionAudio } from '../audio/session-audio.js';
import { HttpError } from '../base/http-error.js';
import type { Logger } from '../base/log.js';
import type { CameraVideo } from '../video/camera-video.js';
import { openSessionVideo } from './session-video.js';
import { SessionRecordings } from '../recording/session-recordings.js';
import { createCameraPeer } from './camera-peer.js';
import { InboundLimit } from '../receive/inbound-limit.js';
import type { CameraDevice, Facing, OfferRequest } from './offer-request.js';
import { answerPage } from './page-control.js';
import { describeChain, type TransformChain } from '../transforms/chain.js';
import { serveDataChannels, type DataChannels } from '../webrtc/data-channels.js';
import { DATA_ONLY_QUIET_MS, MEDIA_QUIET_MS } from '../webrtc/departure-watch.js';
import { sayGoodbye } from '../webrtc/goodbye.js';
import { PageChannel, type EndReason } from '../webrtc/page-channel.js';
import { resolveMdnsCandidates } from '../webrtc/mdns-candidates.js';
import { announceReceiveBitrate, receiveBitrateFor } from '../webrtc/media-config.js';
import { newGuardCounts } from '../base/guard-counts.js';
import { DEFAULT_MAX_PIXELS } from '../media/picture-size.js';
import { PeerIce, putCandidatesFirst, waitForGathering } from '../webrtc/ice-config.js';
import { PeerWatch } from '../webrtc/peer-watch.js';
import { IceRestarts } from '../webrtc/ice-restart.js';
import type { CallRates, CameraSource, SessionInfo, SessionOptions } from './session-info.js';
import type { Viewer, ViewerOptions } from '../webrtc/viewer.js';
import { SessionResults } from './session-results.js';

/**
 * One remote camera: a werift peer answering the browser's (or WHIP publisher's) offer. It wires, reports and
 * closes its parts: PeerWatch, CameraVideo (codec worker and back), SessionAudio, recordings, data channels, results.
 */
export class Session {
  readonly id = randomUUID();
  readonly createdAt = Date.now();
  readonly remoteAddress: string;
  readonly source: CameraSource;
  readonly log: Logger;
  /** The phone camera it is, when the camera page says (its facing follows the page's flips). */
  readonly device?: CameraDevice;
  /** The last second's figures, and the frame rate the camera is asked for at most (FrameShare): set by the SessionFeed. */
  rates: CallRates | null = null;
  sendFps: number | null = null;
  endReason?: EndReason;
  readonly ice: PeerIce;
  /** Given in the first answer only: the page that has it may restart (or replace) this call. */
  readonly secret = randomBytes(18).toString('base64url');
  readonly restarts: IceRestarts;
  private readonly pc: RTCPeerConnection;
  private readonly page: PageChannel;
  private readonly changeListeners: (() => void)[] = [];
  private watch?: PeerWatch;
  private video?: CameraVideo;
  private audio?: SessionAudio;
  private readonly recordings: SessionRecordings;
  private readonly dataChannels: DataChannels;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];
  readonly results: SessionResults;
  private readonly guard = newGuardCounts();
  private readonly maxPixels: number;

  private constructor(
    private transform: TransformChain,
    private readonly options: SessionOptions,
    offer: OfferRequest,
  ) {
    this.log = options.log.child(`[${this.id.slice(0, 8)}]`);
    this.remoteAddress = options.remoteAddress ?? '';
    this.source = options.source ?? 'offer';
    this.device = offer.device && { ...offer.device };
    this.recordings = new SessionRecordings(this.log, options.recordTo, () => this.audio?.codec);
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    this.pc = createCameraPeer(offer, options, this.source, this.log, new InboundLimit(receiveBitrateFor(this.maxPixels), this.guard));
    this.pc.connectionStateChange.subscribe((state) => state === 'connected' && this.audio?.start());
    this.dataChannels = serveDataChannels(this.pc, this.log, (text) => answerPage(text, this));
    this.results = new SessionResults(transform, this.log, { phone: this.dataChannels, recording: this.recordings });
    this.page = new PageChannel(this.pc);
    this.ice = new PeerIce(this.pc, this.remoteAddress);
    const hooks = { starting: () => this.watch?.restarting(), back: () => this.video?.transportBack() };
    this.restarts = new IceRestarts(this.pc, this.log, hooks);
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

  private async negotiate(offer: OfferRequest): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: resolveMdnsCandidates(offer.sdp, this.remoteAddress) });
    // aiortc's client may offer no video at all (audio, a data channel, or both): answered as it is.
    const video = this.pc.getTransceivers().find((t) => t.kind === 'video');
    if (video) {
      const { options, log, recordings, results, guard, maxPixels, transform: chain } = this;
      this.video = openSessionVideo(video, offer, { options, log, recordings, results, guard, maxPixels, chain });
    }
    const audio = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (audio && this.options.audio && offer.audioCodecs.length > 0) {
      this.audio = new SessionAudio(audio, offer.audioSendOnly ? 'receive' : this.options.audio);
      this.audio.onIncoming((payload, timestamp) => this.recordings.cameraAudio(payload, timestamp));
    }

    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const media = offer.videoCodecs.length > 0 || offer.audioCodecs.length > 0;
    const quietMs = media ? (this.options.departureMs ?? MEDIA_QUIET_MS) : DATA_ONLY_QUIET_MS;
    const watching = { log: this.log, connectTimeoutMs: this.options.connectTimeoutMs, quietMs };
    this.watch = new PeerWatch(this.pc, watching, () => void this.close());
    await waitForGathering(this.pc);
    const sdp = putCandidatesFirst(this.pc.localDescription!.sdp, this.options.localAddress);
    return announceReceiveBitrate(sdp, receiveBitrateFor(this.maxPixels));
  }

  /** A new path for the running call (the phone changed networks): only ICE changes; see IceRestarts. */
  async restartIce(sdp: string, remoteAddress: string): Promise<string> {
    if (this.closed) throw new HttpError(404, 'this call has ended: call again');
    return putCandidatesFirst(await this.restarts.answer(resolveMdnsCandidates(sdp, remoteAddress)), this.options.localAddress);
  }

  /** Connected at least once: a live camera, no longer a pending offer (see Admission). */
  get everConnected(): boolean {
    return this.watch?.everConnected ?? false;
  }

  info(): SessionInfo {
    const video = this.video;
    return {
      id: this.id,
      createdAt: this.createdAt,
      source: this.source,
      viewers: video?.viewers.count ?? 0,
      connectionState: this.pc.connectionState,
      iceConnectionState: this.pc.iceConnectionState,
      iceGatheringState: this.pc.iceGatheringState,
      signalingState: this.pc.signalingState,
      audioCodec: this.audio?.codec,
      dataChannels: this.dataChannels.info,
      recording: this.recordings.processedPath,
      network: this.watch?.network.stats ?? { receivedBps: 0, sentBps: 0, rttMs: null, lossInPct: null, lossOutPct: null },
      bitrate: video?.bitrateInfo ?? null,
      codec: video?.codec,
      transform: this.transform,
      ...this.results.info(),
      forwarding: video?.forwardingNow ?? false,
      framesReceived: video?.framesReceived ?? 0,
      framesSent: video?.framesSent ?? 0,
      stats: video?.stats,
      device: this.device ?? null,
      rates: this.rates,
      sendFps: this.sendFps,
      guard: this.guard,
    };
  }

  /** A ceiling for the bitrate sent back (undefined: the estimate and the picture size decide). */
  setMaxBitrate(bps: number | undefined): void {
    this.video?.setMaxBitrate(bps);
  }

  /** Applies to the next frame; into an identity chain it waits for the browser's next keyframe. */
  setTransform(chain: TransformChain): void {
    this.transform = chain;
    this.results.setChain(chain);
    this.log.info(`transform ${describeChain(chain)}`);
    this.video?.setChain(chain);
    this.changed();
  }

  /** `listener` runs after each change of the filter or the camera's facing. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private changed(): void {
    if (this.closed) return;
    for (const listener of this.changeListeners) listener();
    // The camera page hears at once of a change made elsewhere (the panel, the API, a restored setting).
    this.page.send({ type: 'info', info: this.pageInfo() });
  }

  /** Starts recording the processed video (what goes back to the browser) to `path`; a keyframe is asked for. */
  startProcessedRecording(path: string): string {
    if (!this.video) throw new HttpError(409, 'no video yet: try again once the camera is sending');
    return this.video.startProcessedRecording(path);
  }

  /** Stops the processed recording; returns its file (undefined when none was running). */
  stopProcessedRecording(): string | undefined {
    return this.video?.stopProcessedRecording();
  }

  /** A receiver of the processed video (the panel's preview, a WHEP player): see Viewer. */
  addViewer(sdp: string, options: Omit<ViewerOptions, 'log' | 'iceServers'>): Promise<{ viewer: Viewer; sdp: string }> {
    if (!this.video) throw new HttpError(409, 'no video yet: try again once the camera is sending');
    return this.video.viewers.add(sdp, { ...options, log: this.log });
  }

  viewer(id: string): Viewer | undefined {
    return this.video?.viewers.get(id);
  }

  /** Ends the WHEP players (their token was replaced); the panel's preview stays. */
  async endPlayers(): Promise<void> {
    await this.video?.viewers.end('player', 'token');
  }

  /** The phone camera turned (front <-> back) on the running call. */
  setFacing(facing: Facing): void {
    if (!this.device || facing === this.device.facing) return;
    this.device.facing = facing;
    this.changed();
  }

  /** What the camera page is told: the session's info, with the latest results compact (small data channel messages). */
  pageInfo(): SessionInfo {
    return { ...this.info(), results: this.results.compact() };
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /**
   * Everything the peer held, released: watch, audio, recordings, video (worker, viewers), the peer.
   * With a reason, CamLoop ends the call on purpose: the page and the players are told, and do not call back.
   */
  async close(reason?: EndReason): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    this.watch?.stop();
    this.audio?.stop();
    this.recordings.close();
    this.results.close();
    if (reason) await Promise.all([this.page.end(reason), this.video?.viewers.closeAll(reason)]);
    await sayGoodbye(this.pc);
    await Promise.allSettled([this.video?.close(), this.pc.close()]);
    this.log.info('closed');
    for (const listener of this.closeListeners) listener();
  }
}
