import type { Logger } from '../base/log.js';
import { SessionErrors } from './session-errors.js';
import type { ModelStats, ResultEvent } from '../detect/events.js';
import type { TransformChain } from '../transforms/chain.js';
import type { DataChannels } from '../webrtc/data-channels.js';

/** A model's rate is counted over this long. */
const RATE_WINDOW_MS = 4000;
/** The phone gets results while its channel holds less than this, and each at most this big (else a summary). */
const PHONE_MAX_BUFFERED = 256 * 1024;
const PHONE_MAX_EVENT = 64 * 1024;
/** ...and at most this often per filter: an apply filter's results come with every frame. */
const PHONE_EVERY_MS = 100;

/** Where every result goes besides the listeners: the phone's control channel, and a recording's results. */
export interface ResultOutlets {
  phone: Pick<DataChannels, 'pushControl'>;
  recording: { result(event: ResultEvent): void };
}

/** A detect filter's model as the API and the panel show it (docs/detect.md). */
export interface ModelInfo extends Partial<ModelStats> {
  id: string;
  /** Results a second over the last few seconds (0 while it gives none). */
  rate: number;
  /** How old the newest result is now: since its frame was handed to the model (ms). */
  ageMs: number;
}

/** A listener of the results stream: each result, then `end` when the session closes. */
export interface ResultListener {
  result(event: ResultEvent, json: string): void;
  end(): void;
}

/**
 * One camera's results (the session's event bus): every filter's results as they come, to the
 * phone, a recording and the listeners (the results stream's clients), with the JSON made once;
 * the latest of each filter, how each model is doing, and the filters' errors, for the session's
 * info. Listeners are called at once and must not block: each bounds its own buffer.
 */
export class SessionResults {
  private readonly latest = new Map<string, Record<string, unknown>>();
  private readonly detects = new Map<string, { event: ResultEvent; times: number[] }>();
  private readonly listeners = new Set<ResultListener>();
  private ids = new Set<string>();
  /** The filters' errors, and what the session's guards report (SessionInfo.errors). */
  readonly errors: SessionErrors;
  private readonly phoneAt = new Map<string, number>();

  constructor(
    chain: TransformChain,
    log: Logger,
    private readonly outlets: ResultOutlets,
    private readonly now: () => number = Date.now,
  ) {
    this.errors = new SessionErrors(log);
    this.setChain(chain);
  }

  publish(event: ResultEvent): void {
    if (!this.ids.has(event.id)) return; // a filter just taken out of the chain
    this.latest.set(event.id, event.results);
    if (event.kind === 'detect') {
      const seen = this.detects.get(event.id)?.times ?? [];
      seen.push(this.now());
      this.detects.set(event.id, { event, times: seen });
    }
    this.outlets.recording.result(event);
    const json = JSON.stringify(event);
    for (const listener of this.listeners) listener.result(event, json);
    const now = this.now();
    if (now - (this.phoneAt.get(event.id) ?? -Infinity) < PHONE_EVERY_MS) return;
    this.phoneAt.set(event.id, now);
    const forPhone = json.length <= PHONE_MAX_EVENT ? json : JSON.stringify({ ...event, results: { truncated: true } });
    this.outlets.phone.pushControl(`{"type":"result","event":${forPhone}}`, PHONE_MAX_BUFFERED);
  }

  /** Filters that failed (a plugin that threw, a detect's bad results): kept for the info, newest last. */
  addErrors(errors: string[]): void {
    this.errors.report(errors, 'transform: ');
  }

  /** The session info's part. */
  info() {
    return { results: this.results(), models: this.models(), resultListeners: this.listeners.size, errors: this.errors.list };
  }

  /** Returns the unsubscription. */
  subscribe(listener: ResultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new chain: the results of filters no longer in it go. */
  setChain(chain: TransformChain): void {
    this.ids = new Set(chain.map((choice) => choice.id));
    for (const map of [this.latest, this.detects]) for (const id of map.keys()) if (!this.ids.has(id)) map.delete(id);
  }

  /** The latest results of each filter, by id. */
  results(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(this.latest);
  }

  /** The latest results for a data channel (a message there has a size limit): a filter's over 16 kB as a note. */
  compact(): Record<string, Record<string, unknown>> {
    const each = [...this.latest].map(([id, results]) => {
      const bytes = JSON.stringify(results).length;
      return [id, bytes <= PHONE_MAX_EVENT / 4 ? results : { truncated: true, bytes }];
    });
    return Object.fromEntries(each);
  }

  /** Each detect filter that gave results, as it is doing now. */
  models(): ModelInfo[] {
    const now = this.now();
    return [...this.detects].map(([id, { event, times }]) => {
      while (times.length && times[0] < now - RATE_WINDOW_MS) times.shift();
      return { ...event.model, id, rate: times.length / (RATE_WINDOW_MS / 1000), ageMs: Math.max(0, now - event.startedAt) };
    });
  }

  /** The session closed: every listener is told. */
  close(): void {
    for (const listener of this.listeners) listener.end();
    this.listeners.clear();
  }
}
