import type { MessagePort } from 'node:worker_threads';
import { RestartBackoff } from '../base/restart-backoff.js';
import type { ModelReply, ModelRequest } from './protocol.js';

type Request = ModelRequest extends infer R ? (R extends ModelRequest ? Omit<R, 'id'> : never) : never;
type Answer = Extract<ModelReply, { ok: true }>;

/**
 * A codec worker's line to the model worker: one port (asked of the main thread, which owns the
 * model worker, with `ask`), requests matched to replies by id. When the model worker stops (a
 * crash), what waits fails, and a new port is asked for after a backoff; runners hear of each new
 * port (they load their model again on it).
 */
export class ModelLink {
  private port?: MessagePort;
  private asked = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<() => void>();
  private readonly backoff = new RestartBackoff();
  private retry?: NodeJS.Timeout;

  constructor(private readonly ask: () => void) {}

  get connected(): boolean {
    return this.port !== undefined;
  }

  /** `listener` runs each time a port arrives; the returned function stops that. */
  onConnect(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks for a port, unless one is here or asked for. */
  connect(): void {
    if (this.port || this.asked || this.retry) return;
    this.asked = true;
    this.ask();
  }

  attach(port: MessagePort): void {
    this.port?.close();
    this.port = port;
    this.asked = false;
    port.on('message', (reply: ModelReply) => this.answer(reply));
    port.on('close', () => this.lost(port));
    // The codec worker's thread ends when its own port closes, whatever this one does.
    port.unref();
    this.backoff.ready();
    for (const listener of this.listeners) listener();
  }

  request(request: Request, transfer: ArrayBuffer[] = []): Promise<Answer> {
    const port = this.port;
    if (!port) {
      this.connect();
      return Promise.reject(new Error('the model worker is starting'));
    }
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      port.postMessage({ ...request, id }, transfer);
    });
  }

  close(): void {
    clearTimeout(this.retry);
    const port = this.port;
    this.port = undefined;
    port?.close();
    this.failAll('the filter was removed');
  }

  private answer(reply: ModelReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (reply.ok) waiting?.resolve(reply);
    else waiting?.reject(new Error(reply.error));
  }

  private lost(port: MessagePort): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.failAll('the model worker stopped; it starts again');
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect();
    }, this.backoff.failed());
    this.retry.unref();
  }

  private failAll(why: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(why));
    this.pending.clear();
  }
}
