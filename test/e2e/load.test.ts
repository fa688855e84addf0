import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { startApp, type AppProcess } from '../support/app-process.js';
import { BrowserlessPeer } from '../support/browserless-peer.js';
import { makeVp8Clip } from '../support/clip.js';
import { startTestServer } from '../support/server.js';

let app: AppProcess;
before(async () => (app = await startApp()));
after(() => {
  app.app.kill('SIGTERM');
});

it('8 browserless phones with edges at once: every one gets processed frames back', async () => {
  // The app in a process of its own, as phones are other machines: 8 test peers in this process
  // must not share the server's main thread (they did, and delay and fairness read their load).
  const clip = makeVp8Clip(640, 480, 60);
  const peers = Array.from({ length: 8 }, () => new BrowserlessPeer(clip));
  try {
    await Promise.all(peers.map((peer) => peer.connect(app.url, 'edges')));
    // A codec worker starts with each camera's first frame (~0.5 s of CPU each, 7 at once here):
    // fairness is judged once every phone has had its first processed frame.
    for (const [i, peer] of peers.entries()) {
      for (let waited = 0; peer.stats.framesReceived === 0; waited += 50) {
        assert.ok(waited < 20_000, `peer ${i} got no frame in 20 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const start = peers.map((p) => p.stats.framesReceived);
    await new Promise((r) => setTimeout(r, 5000));
    const received = peers.map((p, i) => p.stats.framesReceived - start[i]);
    const sessions = await app.api<SessionInfo[]>('/api/sessions');
    assert.equal(sessions.length, 8);
    // Fairness, not speed (speed is the benchmark's): nobody is starved.
    for (const [i, count] of received.entries())
      assert.ok(count >= 10, `peer ${i} got ${count} frames in 5 s (all: ${received.join(', ')})`);
    // And they are processed frames, not the phones' own sent back (an echo would pass the above).
    assert.deepEqual(
      peers.map((p) => p.stats.echoed),
      peers.map(() => 0),
      'no frame came back as it was sent',
    );
    for (const session of sessions)
      assert.ok(
        (session.stats?.framesIn ?? 0) > 0 && !session.forwarding && session.transform[0]!.id === 'edges',
        'each decoded and filtered by the server',
      );
    const dropped = sessions.reduce((sum, s) => sum + (s.stats?.dropped ?? 0), 0);
    const latencies = peers.flatMap((p) => p.stats.latencies.slice(-30));
    assert.ok(
      latencies.length > 0 && Math.max(...latencies) < 2000,
      `delay stays bounded (max ${Math.max(...latencies).toFixed(0)} ms; ${dropped} frames dropped to the newest)`,
    );
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
