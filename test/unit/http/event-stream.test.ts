import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { MAX_UNREAD_BYTES, serveEventStream } from '../../../electron/core/http/event-stream.js';

/** A response whose unread bytes the test sets (what the kernel and the client have not taken yet). */
class FakeResponse extends EventEmitter {
  written = '';
  writableLength = 0;
  destroyed = false;
  status = 0;
  writeHead(status: number) {
    this.status = status;
  }
  write(text: string) {
    this.written += text;
    return true;
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
}

function source() {
  const listeners = new Set<(event: { type: string; n: number }) => void>();
  return {
    listeners,
    snapshot: () => ({ hello: true }),
    subscribe(listener: (event: { type: string; n: number }) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(n: number) {
      for (const listener of listeners) listener({ type: 'stats', n });
    },
  };
}

describe('serveEventStream', () => {
  it('starts with the snapshot, then one event per message; stops listening when the client goes', () => {
    const res = new FakeResponse();
    const events = source();
    serveEventStream(res as unknown as ServerResponse, events);
    events.emit(1);
    assert.equal(res.status, 200);
    assert.equal(res.written, 'event: hello\ndata: {"hello":true}\n\nevent: stats\ndata: {"type":"stats","n":1}\n\n');
    res.emit('close');
    assert.equal(events.listeners.size, 0);
  });

  it('drops a listener that leaves more than the bound unread, and buffers nothing more for it', () => {
    const res = new FakeResponse();
    const events = source();
    let dropped = 0;
    serveEventStream(res as unknown as ServerResponse, events, () => dropped++);
    events.emit(1);
    res.writableLength = MAX_UNREAD_BYTES + 1;
    const before = res.written.length;
    events.emit(2);
    events.emit(3);
    assert.equal(dropped, 1);
    assert.ok(res.destroyed);
    assert.equal(res.written.length, before, 'nothing written once over the bound');
    assert.equal(events.listeners.size, 0);
  });
});
