import type { RTCPeerConnection } from 'werift';
import type { Logger } from '../base/log.js';
import { DepartureWatch, receivedFromPeer, RESTART_GRACE_MS } from './departure-watch.js';
import { watchGoodbyes } from './goodbye.js';
import { NetworkSampler } from './network-stats.js';

/**
 * A session not connected this long after its answer is closed. werift goes on checking a peer
 * that never answers (a phone that lost its network while connecting, a client that posts an
 * offer and leaves) for ever, and each such session holds a camera slot and a codec worker.
 */
export const CONNECT_TIMEOUT_MS = 30_000;

export interface PeerWatchOptions {
  log: Logger;
  /** Not connected this long after the answer: gone (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** Connected, and nothing at all came from the peer this long: gone (see DepartureWatch). */
  quietMs: number;
}

/**
 * The one owner of "is this peer still there", for a camera and for a viewer alike: it calls
 * `onGone` once when the peer failed or closed, said goodbye (DTLS close_notify, RTCP BYE, SCTP
 * ABORT), went quiet after connecting, or never connected in time. Also samples the network
 * stats once a second (the same getStats() report feeds the departure watch).
 * Make it after setLocalDescription: goodbyes are watched on the transports made then.
 */
export class PeerWatch {
  readonly network: NetworkSampler;
  everConnected = false;
  private gone = false;
  private readonly connectTimer: NodeJS.Timeout;
  private readonly departure: DepartureWatch;

  constructor(
    pc: RTCPeerConnection,
    options: PeerWatchOptions,
    private readonly onGone: () => void,
  ) {
    const { log } = options;
    const departure = (this.departure = new DepartureWatch(options.quietMs));
    this.network = new NetworkSampler(pc, (report) => {
      if (!this.gone && departure.sample(receivedFromPeer(report), Date.now())) {
        log.info(`nothing from the peer for ${(departure.quietFor(Date.now()) / 1000).toFixed(1)} s: it has gone`);
        this.end();
      }
    });
    const goodbyes = watchGoodbyes(pc, (how) => {
      // Our own close marks the transports closed too: only a goodbye while we watch is the peer's.
      if (this.gone) return;
      log.info(`the peer said goodbye (${how})`);
      this.end();
    });
    const ms = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.connectTimer = setTimeout(() => {
      log.warn(`not connected ${ms / 1000} s after the answer (${pc.connectionState}): closed`);
      this.end();
    }, ms).unref();
    const connected = () => {
      this.everConnected = true;
      clearTimeout(this.connectTimer);
      goodbyes.connected();
    };
    if (pc.connectionState === 'connected') connected();
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') connected();
      if (state === 'failed' || state === 'closed') this.end();
    });
  }

  /** The peer asked for an ICE restart: it is not gone while the new path comes up (RESTART_GRACE_MS). */
  restarting(): void {
    this.departure.hold(Date.now() + RESTART_GRACE_MS);
  }

  /** Stops watching (the owner is closing the peer itself). */
  stop(): void {
    this.gone = true;
    clearTimeout(this.connectTimer);
    this.network.stop();
  }

  private end(): void {
    if (this.gone) return;
    this.stop();
    this.onGone();
  }
}
