import { totalmem } from 'node:os';
import { HttpError } from '../base/http-error.js';
import { LoadMeter, shareOf, type LoadReading, type Share } from './load-meter.js';
import type { Session } from './session.js';
import type { Sessions } from './sessions.js';

/**
 * A ceiling on cameras whatever the CPU says: no more than half the memory at 40 MB each (a
 * camera's codecs and buffers in a shared worker, plus its peer), and 64.
 */
export function memoryCameraLimit(memoryBytes = totalmem()): number {
  return Math.max(2, Math.min(Math.floor((memoryBytes * 0.5) / (40 * 1024 * 1024)), 64));
}

/** The frame rate below which a camera is not worth serving: a new one that would bring everyone under it is refused. */
export const DEFAULT_MIN_FPS = 5;

/**
 * Offers not yet connected, per source address and in all: beyond these the oldest is dropped.
 * Above any camera limit, since one address may connect a full house at once (local clients, a NAT).
 * A pending offer holds a werift peer (a few sockets) and no codec worker.
 */
export const PENDING_PER_ADDRESS = 16;
export const PENDING_TOTAL = 64;
/** What a refused camera is told to wait before trying again (seconds). */
const RETRY_AFTER_S = 10;
/** Refusals the panel is shown (newest last). */
const REFUSALS_KEPT = 5;

export interface AdmissionOptions {
  /** A fixed ceiling on live cameras (--max-sessions); otherwise the memory's. */
  maxLive?: number;
  /** See DEFAULT_MIN_FPS. */
  minFps?: number;
  /** The load's measurements (tests give their own). */
  meter?: { reading: LoadReading | undefined; start(): void; stop(): void };
}

/** What GET /api/admission reports: the measurements, what one more camera would get, the last refusals. */
export interface AdmissionInfo {
  minFps: number;
  reading: LoadReading | null;
  /** Each camera's share with one more. */
  next: Share;
  cameras: number;
  refusals: { at: number; address: string; reason: string }[];
}

/**
 * Who gets a session. A camera is refused (503, Retry-After) when the machine, as measured, would
 * give every camera less than `minFps` with it (see shareOf: CamLoop's CPU per returned frame and
 * the CPU it can have; cameras still connecting count, so a burst of phones is judged as a whole),
 * or beyond a ceiling on live cameras. Offers still connecting have a budget of their own, per
 * source address and in total, the oldest dropped first. So a client that posts offers and
 * leaves, or floods them from one address, never keeps a real phone out: an offer holds no codec
 * worker (one is taken when video arrives) and at most a few pending slots.
 */
export class Admission {
  readonly maxLive: number;
  readonly minFps: number;
  private readonly meter: NonNullable<AdmissionOptions['meter']>;
  private readonly refusals: AdmissionInfo['refusals'] = [];

  constructor(
    private readonly sessions: Sessions,
    options: AdmissionOptions = {},
  ) {
    this.maxLive = options.maxLive ?? memoryCameraLimit();
    this.minFps = options.minFps ?? DEFAULT_MIN_FPS;
    this.meter = options.meter ?? new LoadMeter(() => new Map(sessions.list().map((s) => [s.id, s.info().framesSent])));
    this.meter.start();
  }

  /** The load as measured (FrameShare shares the same measurements). */
  get reading(): LoadReading | undefined {
    return this.meter.reading;
  }

  get info(): AdmissionInfo {
    const cameras = this.sessions.list().length;
    return {
      minFps: this.minFps,
      reading: this.meter.reading ?? null,
      next: shareOf(this.meter.reading, cameras + 1),
      cameras,
      refusals: [...this.refusals],
    };
  }

  close(): void {
    this.meter.stop();
  }

  /** Before answering an offer from `address`: 503 when it would not be served at a useful rate; makes room among pending offers. */
  admit(address: string): void {
    const all = this.sessions.list();
    const live = all.filter((s) => s.everConnected).length;
    if (live >= this.maxLive) this.refuse(address, `CamLoop is serving its maximum of ${this.maxLive} cameras: try again when one leaves`);
    // Cameras still connecting count: they will want their share.
    const next = shareOf(this.meter.reading, all.length + 1);
    if (all.length > 0 && next.fps < this.minFps)
      this.refuse(
        address,
        `CamLoop is at this machine's capacity: with one more camera, each of ${all.length + 1} would get ` +
          `${next.fps.toFixed(1)} frames per second (${next.capacityFps.toFixed(0)} in all at ${next.msPerFrame.toFixed(1)} ms of CPU each), ` +
          `under the ${this.minFps} it takes to be useful: try again when a camera leaves`,
      );
    const pending = all.filter((s) => !s.everConnected).sort((a, b) => a.createdAt - b.createdAt);
    const fromHere = pending.filter((s) => s.remoteAddress === address);
    if (fromHere.length >= PENDING_PER_ADDRESS)
      this.drop(fromHere[0], `more than ${PENDING_PER_ADDRESS} offers from ${address} still connecting`);
    else if (pending.length >= PENDING_TOTAL) this.drop(pending[0], `more than ${PENDING_TOTAL} offers still connecting`);
  }

  private refuse(address: string, reason: string): never {
    this.refusals.push({ at: Date.now(), address, reason });
    if (this.refusals.length > REFUSALS_KEPT) this.refusals.shift();
    throw new HttpError(503, reason, { 'Retry-After': String(RETRY_AFTER_S) });
  }

  private drop(session: Session, why: string): void {
    session.log.info(`${why}: the oldest (this one, ${((Date.now() - session.createdAt) / 1000).toFixed(1)} s old) is dropped`);
    void session.close();
  }
}
