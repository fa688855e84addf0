import type { ServerResponse } from 'node:http';

/** What an event stream serves: where a listener starts, then each event as it comes. */
export interface EventSource<E extends { type: string }> {
  snapshot(): object;
  subscribe(listener: (event: E) => void): () => void;
}

/** Bytes a listener may leave unread before it is dropped: a slow one never makes the core buffer without bound. */
export const MAX_UNREAD_BYTES = 1 << 20;

/**
 * Serves `source` as text/event-stream (Server-Sent Events): `event: hello` with the snapshot, then
 * one `event: <type>` per event, JSON data. A listener that reads too slowly is cut off (it may
 * connect again and start from a new snapshot). Returns once the response is set up.
 */
export function serveEventStream<E extends { type: string }>(res: ServerResponse, source: EventSource<E>, onDropped?: () => void): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  let unsubscribe = () => {};
  const send = (type: string, data: object) => {
    if (res.destroyed) return;
    if (res.writableLength > MAX_UNREAD_BYTES) {
      unsubscribe();
      res.destroy();
      onDropped?.();
      return;
    }
    res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('hello', source.snapshot());
  unsubscribe = source.subscribe((event) => send(event.type, event));
  res.on('close', () => unsubscribe());
}
