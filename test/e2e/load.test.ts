import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { CamLoopServer } from '../../electron/core/server.js';
import { BrowserlessPeer } from '../support/browserless-peer.js';
import { makeVp8Clip } from '../support/clip.js';
import { startTestServer } from '../support/server.js';

let server: CamLoopServer;
before(async () => (server = await startTestServer()));
after(() => server.close());

it('8 browserless phones with edges at once: every one gets processed frames back', async () => {
  const clip = makeVp8Clip(640, 480, 60);
  const peers = Array.from({ length: 8 }, () => new BrowserlessPeer(clip));
  try {
    await Promise.all(peers.map((peer) => peer.connect(server.url, 'edges')));
    const start = peers.map((p) => p.stats.framesReceived);
    await new Promise((r) => setTimeout(r, 5000));
    const received = peers.map((p, i) => p.stats.framesReceived - start[i]);
    assert.equal(server.sessions.list().length, 8);
    // Fairness, not speed (speed is the benchmark's): nobody is starved.
    for (const [i, count] of received.entries()) assert.ok(count >= 10, `peer ${i} got ${count} frames in 5 s (all: ${received.join(', ')})`);
    const dropped = server.sessions.list().reduce((sum, s) => sum + (s.info().stats?.dropped ?? 0), 0);
    const latencies = peers.flatMap((p) => p.stats.latencies.slice(-30));
    assert.ok(latencies.length > 0 && Math.max(...latencies) < 2000, `delay stays bounded (max ${Math.max(...latencies).toFixed(0)} ms; ${dropped} frames dropped to the newest)`);
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
});

it('beyond the camera limit an offer gets a 503 with the reason, and the first camera lives on', async () => {
  const limited = await startTestServer({ maxSessions: 1 });
  const clip = makeVp8Clip(320, 240, 30);
  const first = new BrowserlessPeer(clip);
  const second = new BrowserlessPeer(clip);
  try {
    await first.connect(limited.url, 'edges');
    await assert.rejects(second.connect(limited.url, 'edges'), /503.*maximum of 1 cameras/);
    for (let waited = 0; first.stats.framesReceived === 0 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const before = first.stats.framesReceived;
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(first.stats.framesReceived > before);
  } finally {
    await Promise.all([first.close(), second.close()]);
    await limited.close();
  }
});
