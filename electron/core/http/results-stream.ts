import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from '../session/session.js';

/** A listener with this much not yet taken by its socket is dropped: a client that stops reading costs the call nothing. */
export const MAX_UNREAD_BYTES = 1 << 20;
/** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/sessions/:id/results: the session's results as server-sent events, one `result` event
 * per filter result (ResultEvent: the camera frame time, when it was ready, the results), as they
 * come; the stream ends when the session does. Many listeners are fine; each is bounded.
 */
export function serveResults(session: Session, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(': CamLoop results\n\n');
  let id = 0;
  const send = (text: string) => {
    if (res.writableLength > MAX_UNREAD_BYTES) return void res.destroy();
    res.write(text);
  };
  const unsubscribe = session.results.subscribe({
    result: (_event, json) => send(`id: ${++id}\nevent: result\ndata: ${json}\n\n`),
    end: () => res.end(),
  });
  const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
  res.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
  });
  req.socket.setNoDelay(true);
}
