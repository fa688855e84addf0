import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackAddress } from '../base/addresses.js';
import { HttpError } from '../base/http-error.js';

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may do what. The control API (everything the panel uses) is for this machine only: loopback
 * peer, loopback Host header (no DNS rebinding), no foreign Origin, and the control token. Offers
 * from the LAN need the pairing token that the QR code carries; the panel can rotate it.
 */
export class AccessControl {
  readonly controlToken = newToken();
  pairingToken: string;
  /** For WHEP players of the processed video (OBS, a player, an SFU): watch only, no control. */
  viewerToken: string;

  /** The pairing and viewer tokens of the last run (kept in the settings), or new ones. */
  constructor(kept: { pairingToken?: string; viewerToken?: string } = {}) {
    this.pairingToken = kept.pairingToken ?? newToken();
    this.viewerToken = kept.viewerToken ?? newToken();
  }

  rotatePairingToken(): string {
    this.pairingToken = newToken();
    return this.pairingToken;
  }

  rotateViewerToken(): string {
    this.viewerToken = newToken();
    return this.viewerToken;
  }

  /** Throws 403 for anything not from this machine's own pages, 401 without the control token. */
  checkControl(req: IncomingMessage): void {
    if (!isLoopbackAddress(req.socket.remoteAddress)) throw new HttpError(403, 'the control API only answers this machine');
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) throw new HttpError(403, 'the control API needs a loopback Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin)) throw new HttpError(403, `origin ${origin} may not use the control API`);
    if (!sameToken(bearerToken(req), this.controlToken))
      throw new HttpError(401, 'missing or wrong control token (Authorization: Bearer <token>)');
  }

  /**
   * An offer with the pairing token (?t= of the QR code's URL) is always welcome. Without it, only
   * this machine may offer, and only from a page of its own: a loopback Host header (a foreign one
   * is DNS rebinding) and no foreign Origin (any site the user visits could otherwise POST a
   * text/plain offer, which needs no CORS preflight, and fill the camera slots).
   */
  checkOffer(req: IncomingMessage, token: string | undefined): void {
    if (sameToken(token, this.pairingToken)) return;
    if (!isLoopbackAddress(req.socket.remoteAddress))
      throw new HttpError(401, 'this camera is not paired: scan the QR code shown by CamLoop');
    const host = req.headers.host ?? '';
    if (!LOOPBACK_HOST.test(host))
      throw new HttpError(403, `Host ${JSON.stringify(host)} is not this machine's: offers through another name need the pairing token`);
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin))
      throw new HttpError(403, `pages from ${origin} may not open sessions without the pairing token`);
  }

  /** A WHEP player needs the viewer token, from anywhere (an OBS on this machine too: any local page could ask). */
  checkViewer(req: IncomingMessage): void {
    if (!sameToken(bearerToken(req), this.viewerToken))
      throw new HttpError(401, 'missing or wrong viewer token (Authorization: Bearer <viewer token>, shown in the panel)', {
        'WWW-Authenticate': 'Bearer',
      });
  }
}

/** `Authorization: Bearer <token>` (WHIP and WHEP clients send their token so). */
export function bearerToken(req: IncomingMessage): string | undefined {
  return req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    return LOOPBACK_HOST.test(new URL(origin).host);
  } catch {
    return false;
  }
}
