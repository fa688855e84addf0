import { cpus, totalmem } from 'node:os';
import { HttpError } from '../base/http-error.js';
import type { Session } from './session.js';
import type { Sessions } from './sessions.js';

/**
 * Cameras served at once, from this machine's size: 6 per core (beyond 4 per core the frame rate
 * halves, still usable), and no more than half the memory at 100 MB each (see docs/decisions.md, Admission).
 */
export function defaultCameraLimit(cores = cpus().length, memoryBytes = totalmem()): number {
  const byCpu = 6 * Math.max(1, cores);
  const byMemory = Math.floor((memoryBytes * 0.5) / (100 * 1024 * 1024));
  return Math.max(2, Math.min(byCpu, byMemory, 64));
}

/**
 * Offers not yet connected, per source address and in all: beyond these the oldest is dropped.
 * Above any camera limit, since one address may connect a full house at once (local clients, a NAT).
 * A pending offer holds a werift peer (a few sockets) and no codec worker.
 */
export const PENDING_PER_ADDRESS = 16;
export const PENDING_TOTAL = 64;
/** What a refused camera is told to wait before trying again (seconds). */
const RETRY_AFTER_S = 10;

/**
 * Who gets a session. Live cameras (connected) are capped; offers still connecting have a budget
 * of their own, per source address and in total, the oldest dropped first, so a client that floods
 * offers or posts them and leaves never keeps a real phone out (an offer holds no codec worker).
 */
export class Admission {
  constructor(
    private readonly sessions: Sessions,
    readonly maxLive: number,
  ) {}

  /** Before answering an offer from `address`: 503 when every camera slot is taken; makes room among pending offers. */
  admit(address: string): void {
    const all = this.sessions.list();
    const live = all.filter((s) => s.everConnected).length;
    if (live >= this.maxLive)
      throw new HttpError(503, `CamLoop is serving its maximum of ${this.maxLive} cameras: try again when one leaves`, {
        'Retry-After': String(RETRY_AFTER_S),
      });
    const pending = all.filter((s) => !s.everConnected).sort((a, b) => a.createdAt - b.createdAt);
    const fromHere = pending.filter((s) => s.remoteAddress === address);
    if (fromHere.length >= PENDING_PER_ADDRESS)
      this.drop(fromHere[0], `more than ${PENDING_PER_ADDRESS} offers from ${address} still connecting`);
    else if (pending.length >= PENDING_TOTAL) this.drop(pending[0], `more than ${PENDING_TOTAL} offers still connecting`);
  }

  private drop(session: Session, why: string): void {
    session.log.info(`${why}: the oldest (this one, ${((Date.now() - session.createdAt) / 1000).toFixed(1)} s old) is dropped`);
    void session.close();
  }
}
