import { randomUUID } from 'node:crypto';
import { MediaStreamTrack, RTCPeerConnection, type RTCRtpSender } from 'werift';
import { HttpError } from '../base/http-error.js';
import type { Logger } from '../base/log.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { IceServer } from './ice-servers.js';
import { resolveMdnsCandidates } from './mdns-candidates.js';
import { onPeerKeyframeRequest } from './peer-keyframe-requests.js';
import { videoCodecParameters } from './media-config.js';
import { iceOptionsFor, PeerIce, putCandidatesFirst, waitForGathering } from './ice-config.js';
import { MEDIA_QUIET_MS } from './departure-watch.js';
import { sayGoodbye } from './goodbye.js';
import { PageChannel, type EndReason } from './page-channel.js';
import { PeerWatch } from './peer-watch.js';

/** The camera a viewer watches: its processed, already-encoded packets. */
export interface ViewerSource {
  codec: VideoCodecName;
  /** Sends each packet that goes back to the camera to `track` too; returns the disposer. */
  output: { addMirror(sender: RTCRtpSender, track: MediaStreamTrack): () => void };
  requestKeyframe(): void;
  /** Returns a disposer: a viewer that leaves first stops listening. `reason`: CamLoop ended the camera on purpose. */
  onClose(listener: (reason?: EndReason) => void): () => void;
}

export interface ViewerOptions {
  log: Logger;
  iceServers?: IceServer[];
  /** The address the viewer's request reached us at (see iceOptionsFor), and where it came from. */
  localAddress?: string;
  remoteAddress?: string;
  connectTimeoutMs?: number;
  departureMs?: number;
  /** The panel's preview, or a player that came with the viewer token (rotating the token ends those). */
  kind?: ViewerKind;
}

export type ViewerKind = 'preview' | 'player';

/**
 * Another receiver of the packets a camera gets back (already encoded: no second encode), for the
 * panel's preview and for WHEP players. Answers a recvonly video offer with the camera's codec;
 * a viewer that joins asks the camera for a keyframe. Closes with the camera, on its own
 * departure (PeerWatch), or when its client deletes it.
 */
export class Viewer {
  readonly id = randomUUID();
  readonly ice: PeerIce;
  private readonly page: PageChannel;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];
  private watch?: PeerWatch;

  private readonly log: Logger;

  private constructor(
    private readonly pc: RTCPeerConnection,
    remoteAddress: string | undefined,
    cameraLog: Logger,
    readonly kind: ViewerKind,
  ) {
    this.log = cameraLog.child(`[viewer ${this.id.slice(0, 8)}]`);
    this.ice = new PeerIce(pc, remoteAddress);
    // A player page opens a 'control' channel to hear why CamLoop ended its call.
    this.page = new PageChannel(pc);
  }

  static async answer(sdp: string, source: ViewerSource, options: ViewerOptions): Promise<{ viewer: Viewer; sdp: string }> {
    const pc = new RTCPeerConnection({
      codecs: { video: [videoCodecParameters[source.codec]()] },
      iceServers: options.iceServers ?? [],
      ...iceOptionsFor(options.localAddress, { withLoopback: true }),
    });
    const viewer = new Viewer(pc, options.remoteAddress, options.log, options.kind ?? 'player');
    const { log } = viewer;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: resolveMdnsCandidates(sdp, options.remoteAddress) });
      const video = pc.getTransceivers().find((t) => t.kind === 'video');
      if (!video) throw new HttpError(400, 'the offer has no video to receive');
      if (!video.codecs.length) throw new HttpError(400, `the offer cannot receive this camera's codec (${source.codec})`);
      video.setDirection('sendonly');
      const track = new MediaStreamTrack({ kind: 'video' });
      video.sender.replaceTrack(track);
      const removeMirror = source.output.addMirror(video.sender, track);
      viewer.onClose(onPeerKeyframeRequest(video.sender, () => source.requestKeyframe()));
      viewer.onClose(removeMirror);
      viewer.onClose(source.onClose((reason) => viewer.close(reason)));
      pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected') {
          log.info('connected');
          source.requestKeyframe();
        }
      });
      await pc.setLocalDescription(await pc.createAnswer());
      viewer.watch = new PeerWatch(
        pc,
        { log, connectTimeoutMs: options.connectTimeoutMs, quietMs: options.departureMs ?? MEDIA_QUIET_MS },
        () => viewer.close(),
      );
      await waitForGathering(pc);
      return { viewer, sdp: putCandidatesFirst(pc.localDescription!.sdp, options.localAddress) };
    } catch (error) {
      await viewer.close();
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, `cannot answer this offer: ${(error as Error).message}`);
    }
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** `reason`: CamLoop ends it on purpose, and tells the player page (which then does not call back). */
  async close(reason?: EndReason): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch?.stop();
    for (const listener of this.closeListeners) listener();
    if (reason) await this.page.end(reason);
    await sayGoodbye(this.pc);
    await this.pc.close();
    this.log.info('closed');
  }
}
