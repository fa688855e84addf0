import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from '../../electron/core/base/http-error.js';
import { sendError } from '../../electron/core/http/http-util.js';
import type { Session } from '../../electron/core/session/session.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { ChainError, type TransformChain } from '../../electron/core/transforms/chain.js';
import type { TrickledCandidate } from '../../electron/core/webrtc/ice-config.js';
import type { Viewer } from '../../electron/core/webrtc/viewer.js';

/** A route handler as server.ts calls them: true when it answered, false for a path it does not own. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * One route on a real HTTP server (loopback, port 0), with server.ts's error mapping: a path not
 * answered is 404, an HttpError its status, a ChainError 400. `url` has no trailing slash.
 */
export async function serveRoute(route: Route): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    route(req, res)
      .then((answered) => answered || sendError(res, new HttpError(404, 'not routed')))
      .catch((error: unknown) => sendError(res, error instanceof ChainError ? new HttpError(400, error.message) : error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What a WHIP/WHEP resource does with its ICE, recorded. */
class FakeIce {
  readonly candidates: TrickledCandidate[] = [];
  closed = false;
  /** The next addIceCandidate fails with this (werift refusing a candidate). */
  refuse?: string;

  /** As Session.ice and Viewer.ice (webrtc/ice-config.ts PeerIce). */
  readonly ice: { ufrag: string; remoteUfrag: string; add(candidate: TrickledCandidate): Promise<void> };

  constructor(ufrag: string, remoteUfrag: string) {
    this.ice = {
      ufrag,
      remoteUfrag,
      add: async (candidate) => {
        if (this.refuse) throw new Error(this.refuse);
        this.candidates.push(candidate);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class FakeViewer extends FakeIce {
  constructor(readonly id: string) {
    super(`viewer-${id}`, 'player');
  }
}

/** A Session as the HTTP routes see it: no WebRTC, every call recorded. */
export class FakeSession extends FakeIce {
  transform: TransformChain = [{ id: 'none', params: {} }];
  maxBitrate?: number;
  recording?: string;
  readonly viewers = new Map<string, FakeViewer>();
  /** The offers given to addViewer, with the HTTP addresses. */
  readonly viewerOffers: { sdp: string; localAddress?: string; remoteAddress?: string }[] = [];
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly source: 'offer' | 'whip' = 'offer',
  ) {
    super(`ufrag-${id}`, 'publisher');
  }

  info(): SessionInfo {
    const { id, source, transform, maxBitrate = null } = this;
    return { id, source, transform, maxBitrate, viewers: this.viewers.size } as unknown as SessionInfo;
  }

  setTransform(chain: TransformChain): void {
    this.transform = chain;
  }

  setMaxBitrate(bps: number | undefined): void {
    this.maxBitrate = bps;
  }

  startProcessedRecording(path: string): string {
    return (this.recording = path);
  }

  stopProcessedRecording(): string | undefined {
    const path = this.recording;
    this.recording = undefined;
    return path;
  }

  async addViewer(sdp: string, options: { localAddress?: string; remoteAddress?: string }): Promise<{ viewer: Viewer; sdp: string }> {
    this.viewerOffers.push({ sdp, ...options });
    const viewer = new FakeViewer(`v${this.viewers.size + 1}`);
    this.viewers.set(viewer.id, viewer);
    return { viewer: viewer as unknown as Viewer, sdp: `v=0\r\ns=answer to ${viewer.id}\r\n` };
  }

  viewer(id: string): Viewer | undefined {
    return this.viewers.get(id) as unknown as Viewer | undefined;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  override async close(): Promise<void> {
    await super.close();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  get asSession(): Session {
    return this as unknown as Session;
  }
}
