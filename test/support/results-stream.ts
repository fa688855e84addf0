import { request, type IncomingMessage } from 'node:http';
import type { ResultEvent } from '../../electron/core/detect/events.js';
import type { CamLoopServer } from '../../electron/core/http/server.js';

export interface ResultsListener {
  status: number;
  contentType?: string;
  /** Events read so far, with when each was read (Date.now()). */
  events: { event: ResultEvent; at: number }[];
  /** The body of a refusal ({error}). */
  error?: string;
  /** Resolves when the server ends or drops the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * A client of GET /api/sessions/:id/results (server-sent events), through node:http so a test can
 * leave out the token, send an Origin, or stop reading (`stalled`: it never reads a byte, as a
 * client that hangs).
 */
export function listenResults(
  server: CamLoopServer,
  sessionId: string,
  options: { token?: string | null; origin?: string; stalled?: boolean } = {},
): Promise<ResultsListener> {
  const url = new URL(server.url);
  const token = options.token === undefined ? server.access.controlToken : options.token;
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.origin) headers.Origin = options.origin;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: `/api/sessions/${sessionId}/results`, headers },
      (res: IncomingMessage) => {
        let ending: () => void;
        const listener: ResultsListener = {
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          events: [],
          ended: new Promise<void>((r) => (ending = r)),
          close: () => req.destroy(),
        };
        res.on('close', () => ending());
        res.on('error', () => ending());
        if (options.stalled) {
          res.pause();
          return resolve(listener);
        }
        let text = '';
        res.setEncoding('utf8');
        if (listener.status !== 200) {
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ ...listener, error: (JSON.parse(text || '{}') as { error?: string }).error }));
          return;
        }
        res.on('data', (chunk: string) => {
          text += chunk;
          const blocks = text.split('\n\n');
          text = blocks.pop() ?? '';
          for (const block of blocks) {
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n');
            if (data) listener.events.push({ event: JSON.parse(data) as ResultEvent, at: Date.now() });
          }
        });
        resolve(listener);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
