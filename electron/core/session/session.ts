import { randomUUID } from 'node:crypto';
import { MediaStreamTrack, type RTCPeerConnection } from 'werift';
import { SessionAudio } from '../audio/session-audio.js';
import { HttpError } from '../base/http-error.js';
import type { Logger } from '../base/log.js';
import { videoCodecOf } from '../media/codecs.js';
import { CameraVideo } from '../video/camera-video.js';
import { SessionRecordings } from '../recording/session-recordings.js';
import { createCameraPeer } from './camera-peer.js';
import type { OfferRequest } from './offer-request.js';
import { ChainError, describeChain, parseChain, type TransformChain } from '../transforms/chain.js';
import { serveDataChannels, type DataChannels } from '../webrtc/data-channels.js';
import { DATA_ONLY_QUIET_MS, MEDIA_QUIET_MS } from '../webrtc/departure-watch.js';
import { sayGoodbye } from '../webrtc/goodbye.js';
import { resolveMdnsCandidates } from '../webrtc/mdns-candidates.js';
import { hintStartBitrate } from '../webrtc/media-config.js';
import {
  addTrickledCandidate,
  localIceUfrag,
  putCandidatesFirst,
  remoteIceUfrag,
  waitForGathering,
  type TrickledCandidate,
} from '../webrtc/ice-config.js';
import { PeerWatch } from '../webrtc/peer-watch.js';
import type { CameraSource, SessionInfo, SessionOptions } from './session-info.js';
import type { Viewer, ViewerOptions } from '../webrtc/viewer.js';
import { SessionResults } from './session-results.js';

/**
 * One remote camera: a werift peer answering the browser's (or WHIP publisher's) offer. Its parts:
 * the peer's lifecycle (PeerWatch), its video (CameraVideo: what comes in goes through a codec
 * worker and back on the same transceiver), its audio (SessionAudio), its recordings and its data
 * channels. The session answers the offer, wires those parts, reports them, and closes them all.
 */
export class Session {
  readonly id = randomUUID();
  readonly createdAt = Date.now();
  readonly remoteAddress: string;
  readonly source: CameraSource;
  readonly log: Logger;
  private readonly pc: RTCPeerConnection;
  private watch?: PeerWatch;
  private video?: CameraVideo;
  private audio?: SessionAudio;
  private readonly recordings: SessionRecordings;
  private readonly dataChannels: DataChannels;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];
  /** Results and errors of its filters, and the results stream (see SessionResults). */
  readonly results: SessionResults;

  private constructor(
    private transform: TransformChain,
    private readonly options: SessionOptions,
    offer: OfferRequest,
  ) {
    this.log = options.log.child(`[${this.id.slice(0, 8)}]`);
    this.remoteAddress = options.remoteAddress ?? '';
    this.source = options.source ?? 'offer';
    this.recordings = new SessionRecordings(this.log, options.recordTo, () => this.audio?.codec);
    this.pc = createCameraPeer(offer, options, this.source, this.log);
    this.pc.connectionStateChange.subscribe((state) => state === 'connected' && this.audio?.start());
    this.dataChannels = serveDataChannels(this.pc, this.log, (text) => this.handleControl(text));
    this.results = new SessionResults(transform, this.log, { phone: this.dataChannels, recording: this.recordings });
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
      // Without sendrecv the browser decodes our video but never fires ontrack. A publisher that
      // only sends (WHIP) gets a recvonly answer (werift answers the offer's direction and ours
      // combined): the processed video goes to viewers, recordings and the preview only.
      video.setDirection('sendrecv');
      hintStartBitrate(video.codecs);
      const outgoing = new MediaStreamTrack({ kind: 'video' });
      if (!offer.videoSendOnly) video.sender.replaceTrack(outgoing);
      // werift announces the remote track during setRemoteDescription (pc.onTrack), so take it from the receiver.
      this.video = new CameraVideo(video, video.receiver.track, outgoing, {
        // The offer was checked for a codec we have (parseOffer): the answer holds only ours.
        codec: videoCodecOf(video.codecs[0]!.mimeType) ?? 'vp8',
        chain: this.transform,
        pool: this.options.pool,
        log: this.log,
        recordings: this.recordings,
        plugins: this.options.plugins,
        maxBitrate: this.options.maxBitrate,
        iceServers: this.options.iceServers,
        onResult: (event) => this.results.publish(event),
        onTransformErrors: (errors) => this.results.addErrors(errors),
      });
    }
    const audio = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (audio && this.options.audio && offer.audioCodecs.length > 0) {
      this.audio = new SessionAudio(audio, offer.audioSendOnly ? 'receive' : this.options.audio);
      this.audio.onIncoming((payload, timestamp) => this.recordings.cameraAudio(payload, timestamp));
    }

    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const media = offer.videoCodecs.length > 0 || offer.audioCodecs.length > 0;
    const quietMs = media ? (this.options.departureMs ?? MEDIA_QUIET_MS) : DATA_ONLY_QUIET_MS;
    this.watch = new PeerWatch(
      this.pc,
      { log: this.log, connectTimeoutMs: this.options.connectTimeoutMs, quietMs },
      () => void this.close(),
    );
    await waitForGathering(this.pc);
    return putCandidatesFirst(this.pc.localDescription!.sdp, this.options.localAddress);
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
      network: this.watch?.network.stats ?? { receivedBps: 0, sentBps: 0, rttMs: null },
      bitrate: video?.bitrateInfo ?? null,
      codec: video?.codec,
      transform: this.transform,
      ...this.results.info(),
      forwarding: video?.forwardingNow ?? false,
      framesSent: video?.framesSent ?? 0,
      stats: video?.stats,
    };
  }

  /** A ceiling for the bitrate of the video sent back (undefined: the estimate and the picture size decide). */
  setMaxBitrate(bps: number | undefined): void {
    this.video?.setMaxBitrate(bps);
  }

  /** Applies to the next frame; into an identity chain it waits for the browser's next keyframe. */
  setTransform(chain: TransformChain): void {
    this.transform = chain;
    this.results.setChain(chain);
    this.log.info(`transform ${describeChain(chain)}`);
    this.video?.setChain(chain);
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

  /** Our ICE username fragment: a WHIP resource's ETag. */
  get iceUfrag(): string | undefined {
    return localIceUfrag(this.pc);
  }

  get remoteIceUfrag(): string | undefined {
    return remoteIceUfrag(this.pc);
  }

  /** A candidate the publisher trickled (WHIP PATCH). */
  addIceCandidate(candidate: TrickledCandidate): Promise<void> {
    return addTrickledCandidate(this.pc, candidate, this.remoteAddress);
  }

  /** The phone page's 'control' data channel: {"transform": <chain>} in, session info (or {error}) out. */
  private handleControl(text: string): object {
    try {
      const message = JSON.parse(text) as { transform?: unknown };
      if (message.transform !== undefined) this.setTransform(parseChain(message.transform));
      return { type: 'info', info: { ...this.info(), results: this.results.compact() } };
    } catch (error) {
      return { type: 'error', error: error instanceof ChainError || error instanceof SyntaxError ? error.message : 'bad control message' };
    }
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Everything the peer held, released: watch, audio, recordings, video (worker, viewers), the peer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch?.stop();
    this.audio?.stop();
    this.recordings.close();
    this.results.close();
    await sayGoodbye(this.pc);
    await Promise.allSettled([this.video?.close(), this.pc.close()]);
    this.log.info('closed');
    for (const listener of this.closeListeners) listener();
  }
}
