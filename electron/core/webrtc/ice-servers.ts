import { createHmac } from 'node:crypto';

/** One ICE server, as RTCPeerConnection (the browser's and werift's) takes it. */
export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

/** The flags: --stun, --turn, and either long-term credentials or coturn's shared secret. */
export interface IceConfig {
  stun: string[];
  turn: string[];
  username?: string;
  password?: string;
  /** coturn's static-auth-secret: credentials are made per peer (TURN REST) instead. */
  secret?: string;
}

/**
 * How long TURN REST credentials stay valid. The TURN server checks them on every refresh of an
 * allocation (every few minutes), so they must outlast a long session; a phone that reconnects gets new ones.
 */
export const TURN_CREDENTIAL_TTL_S = 12 * 3600;

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, coturn's use-auth-secret): the username is
 * the expiry time and a name, the password the base64 HMAC-SHA1 of the username under the shared
 * secret. The TURN server checks them without knowing any user; nothing long-lived reaches a phone.
 */
export function turnRestCredentials(secret: string, nowMs: number, ttlS = TURN_CREDENTIAL_TTL_S): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlS}:camloop`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * The ICE servers of CamLoop's own peers and of the camera page: the same servers on both sides,
 * so a phone that can reach nothing but the relay still connects.
 */
export class IceServers {
  constructor(private readonly config: IceConfig = { stun: [], turn: [] }) {}

  /** For a werift peer of ours. */
  forServer(nowMs = Date.now()): IceServer[] {
    return this.list(this.config.turn, nowMs);
  }

  /**
   * For the camera page. A turn: URL without a transport is given over UDP and over TCP, since
   * browsers read it as UDP only and a guest network or a mobile carrier may block UDP.
   */
  forPhone(nowMs = Date.now()): IceServer[] {
    const turn = this.config.turn.flatMap((url) => (/^turn:[^?]+$/.test(url) ? [`${url}?transport=udp`, `${url}?transport=tcp`] : [url]));
    return this.list(turn, nowMs);
  }

  private list(turn: string[], nowMs: number): IceServer[] {
    const { username, credential } = this.config.secret
      ? turnRestCredentials(this.config.secret, nowMs)
      : { username: this.config.username, credential: this.config.password };
    return [...this.config.stun.map((urls) => ({ urls })), ...turn.map((urls) => ({ urls, username, credential }))];
  }
}
