import { ProcessLoad, type AppLoad } from '../base/process-load.js';
import { RateMeter } from './call-rates.js';
import type { FrameShare } from './frame-share.js';
import type { CallRates, SessionInfo } from './session-info.js';
import type { Sessions } from './sessions.js';

/** Seconds of figures kept for each camera and for the app: the panel's graphs span them. */
export const HISTORY_SECONDS = 60;

/** What the panel's event stream carries: a camera's info at once when it comes or changes, all of them each second. */
export type FeedEvent =
  { type: 'session'; info: SessionInfo } | { type: 'removed'; id: string } | { type: 'stats'; app: AppLoad; sessions: SessionInfo[] };

/** What a new listener starts from: the cameras now, and the last minute's figures. */
export interface FeedSnapshot {
  sessions: SessionInfo[];
  history: Record<string, CallRates[]>;
  app: AppLoad[];
}

/**
 * One stream of session events and stats for the panel (and any API client): each camera's info
 * the moment it is added or changed (its filter, by anyone), its removal, and once a second every
 * camera's info with its figures (RateMeter), the frame rate it is asked for (FrameShare) and the
 * app's load. The last minute of figures is kept for listeners that join late.
 */
export class SessionFeed {
  private readonly listeners = new Set<(event: FeedEvent) => void>();
  private readonly meters = new Map<string, { meter: RateMeter; history: CallRates[] }>();
  private readonly appHistory: AppLoad[] = [];
  private readonly load = new ProcessLoad();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sessions: Sessions,
    private readonly share?: FrameShare,
    intervalMs = 1000,
  ) {
    sessions.onAdd((session) => {
      this.meters.set(session.id, { meter: new RateMeter(), history: [] });
      session.onChange(() => this.emit({ type: 'session', info: session.info() }));
      session.onClose(() => {
        this.meters.delete(session.id);
        this.emit({ type: 'removed', id: session.id });
      });
      this.emit({ type: 'session', info: session.info() });
    });
    this.timer = setInterval(() => this.tick(), intervalMs).unref();
  }

  /** Returns the unsubscriber. */
  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): FeedSnapshot {
    return {
      sessions: this.sessions.list().map((session) => session.info()),
      history: Object.fromEntries([...this.meters].map(([id, { history }]) => [id, [...history]])),
      app: [...this.appHistory],
    };
  }

  close(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private tick(): void {
    const app = this.load.sample();
    keep(this.appHistory, app);
    const processing = [];
    for (const session of this.sessions.list()) {
      const meter = this.meters.get(session.id);
      if (!meter) continue;
      session.rates = meter.meter.sample(session.info(), app.at);
      keep(meter.history, session.rates);
      // Cameras whose frames are decoded share the machine; forwarded ones cost next to nothing.
      if (session.rates.fpsIn > 0 && session.rates.msPerFrame !== null) processing.push(session);
    }
    const sendFps = this.share?.update(processing.length) ?? null;
    for (const session of this.sessions.list()) session.sendFps = processing.includes(session) ? sendFps : null;
    this.emit({ type: 'stats', app, sessions: this.sessions.list().map((session) => session.info()) });
  }

  private emit(event: FeedEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function keep<T>(history: T[], item: T): void {
  history.push(item);
  if (history.length > HISTORY_SECONDS) history.shift();
}
