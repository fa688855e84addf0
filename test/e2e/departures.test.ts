import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RTCPeerConnection } from 'werift';
import { PENDING_PER_ADDRESS } from '../../electron/core/session/admission.js';
import { launchBrowser, launchKillableBrowser, openCameraPage, waitForFrames } from '../support/browser.js';
import { BrowserlessPeer } from '../support/browserless-peer.js';
import { makeVp8Clip } from '../support/clip.js';
import { postRawOffer, startTestServer } from '../support/server.js';

let browser: Browser;
before(async () => (browser = await launchBrowser()));
after(() => browser?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `done()` (polling); returns the milliseconds it took, or throws after `limitMs`. */
async function within(limitMs: number, done: () => boolean, what: string): Promise<number> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs / 1000} s`);
    await sleep(100);
  }
  return Date.now() - start;
}

describe('peers that leave', () => {
  it('a page that leaves (navigates away, or closes its peer): the DTLS close_notify closes the session at once', async () => {
    // Silence alone would take a minute here: only the goodbye can close it within 1.5 s.
    const server = await startTestServer({ departureMs: 60_000 });
    try {
      const page = await openCameraPage(browser, server.url, { transform: 'edges' });
      await waitForFrames(page, 10);
      await page.goto('about:blank');
      const took = await within(1500, () => server.sessions.list().length === 0, 'the session of the page that left');
      console.log(`page left: session closed after ${took} ms`);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('a peer that sends an RTCP BYE (werift drops it unparsed) is closed at once', async () => {
    const server = await startTestServer({ departureMs: 60_000 });
    const peer = new BrowserlessPeer(makeVp8Clip(320, 240, 30));
    try {
      await peer.connect(server.url, 'none');
      await within(10_000, () => peer.stats.framesReceived > 5, 'frames back');
      const bye = Buffer.from([0x81, 203, 0, 1, 1, 2, 3, 4]);
      const transceiver = (peer as unknown as { pc: RTCPeerConnection }).pc.getTransceivers()[0];
      await transceiver.dtlsTransport.sendRtcp([{ serialize: () => bye } as never]);
      const took = await within(1500, () => server.sessions.list().length === 0, 'the session of the peer that sent BYE');
      console.log(`RTCP BYE: session closed after ${took} ms`);
    } finally {
      await peer.close();
      await server.close();
    }
  });
});

describe('peers that vanish without a goodbye', () => {
  it('a browser killed with SIGKILL: its session is gone in seconds; a camera beside it goes on', async () => {
    const server = await startTestServer();
    const doomed = await launchKillableBrowser();
    try {
      const stays = await openCameraPage(browser, server.url, { transform: 'edges' });
      const leaves = await openCameraPage(doomed.browser, server.url, { transform: 'edges' });
      await Promise.all([waitForFrames(stays, 10), waitForFrames(leaves, 10)]);
      assert.equal(server.sessions.list().length, 2);
      await doomed.kill();
      const took = await within(12_000, () => server.sessions.list().length === 1, "the killed peer's session closed");
      console.log(`SIGKILLed browser: session closed after ${(took / 1000).toFixed(1)} s`);
      await waitForFrames(stays, 30);
      assert.equal(server.sessions.list()[0].info().connectionState, 'connected');
      await stays.close();
    } finally {
      await doomed.kill().catch(() => {});
      await server.close();
    }
  });

  it("a peer that closes without BYE or close_notify (werift's own) is gone in seconds too", async () => {
    const server = await startTestServer();
    const peer = new BrowserlessPeer(makeVp8Clip(320, 240, 30));
    try {
      await peer.connect(server.url, 'edges');
      await within(10_000, () => peer.stats.framesReceived > 5, 'frames back');
      await peer.close();
      const took = await within(12_000, () => server.sessions.list().length === 0, 'its session closed');
      console.log(`werift peer closed: session gone after ${(took / 1000).toFixed(1)} s`);
    } finally {
      await peer.close();
      await server.close();
    }
  });
});

describe('offers that never connect', () => {
  it('50 from one address hold a few pending slots and no worker; a phone from another address still connects', async () => {
    const server = await startTestServer();
    const ghost = new BrowserlessPeer(makeVp8Clip(320, 240, 30));
    try {
      const body = { sdp: await ghost.offerSdp(), type: 'offer', video_transform: 'edges' };
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) statuses.push((await postRawOffer(server, body, { localAddress: '127.0.0.2' })).status);
      assert.deepEqual([...new Set(statuses)], [200], 'each offer answered (the oldest pending ones dropped)');
      const pending = server.sessions.list();
      assert.equal(pending.length, PENDING_PER_ADDRESS, 'only the newest few are kept');
      assert.ok(
        pending.every((s) => s.info().stats === undefined),
        'no codec worker for an offer without video',
      );
      const phone = await openCameraPage(browser, server.url, { transform: 'edges' });
      await waitForFrames(phone, 20);
      await phone.close();
    } finally {
      await ghost.close();
      await server.close();
    }
  });

  it('when every camera slot is live, a new offer gets 503 with Retry-After and the reason', async () => {
    const server = await startTestServer({ maxSessions: 1 });
    const live = new BrowserlessPeer(makeVp8Clip(320, 240, 30));
    const late = new BrowserlessPeer(makeVp8Clip(320, 240, 30));
    try {
      await live.connect(server.url, 'none');
      const refused = await postRawOffer(server, { sdp: await late.offerSdp(), type: 'offer' }, { localAddress: '127.0.0.3' });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '10');
      assert.match(refused.body.error ?? '', /maximum of 1 cameras: try again when one leaves/);
    } finally {
      await Promise.all([live.close(), late.close()]);
      await server.close();
    }
  });
});

describe('churn', () => {
  const fds = () => readdirSync('/proc/self/fd').length;
  const threads = () => readdirSync('/proc/self/task').length;

  it(
    '30 cycles of connect, frames back, leave without a goodbye: every cycle served, fds and threads back to idle',
    { timeout: 170_000 },
    async () => {
      // A peer that leaves without a goodbye holds its slot until it has been quiet for 4 s, and a
      // cycle takes 0.4-0.9 s: up to a dozen sessions are alive at once, as many as this machine's
      // default camera limit (seen: cycle 29 refused, 12 sessions 0.3-5.5 s old). The limit is not
      // what this test is about (see 'offers that never connect').
      const server = await startTestServer({ maxSessions: 32 });
      const clip = makeVp8Clip(320, 240, 30);
      try {
        // Idle: the spare worker started and warmed.
        await sleep(2000);
        const idle = { fds: fds(), threads: threads() };
        let served = 0;
        for (let cycle = 0; cycle < 30; cycle++) {
          const peer = new BrowserlessPeer(clip);
          try {
            await peer.connect(server.url, cycle % 2 ? 'edges' : 'none').catch((error: Error) => {
              // Which sessions still hold a slot, and since when (a departure that was not seen).
              const live = server.sessions
                .list()
                .map((s) => `${s.id.slice(0, 8)} ${s.info().connectionState} ${((Date.now() - s.createdAt) / 1000).toFixed(1)} s old`);
              throw new Error(`cycle ${cycle}: ${error.message}; sessions: ${live.join(', ')}`);
            });
            await within(10_000, () => peer.stats.framesReceived >= 5, `cycle ${cycle}: frames back`);
            served++;
          } finally {
            await peer.close();
          }
        }
        assert.equal(served, 30);
        await within(15_000, () => server.sessions.list().length === 0, 'every session closed');
        // The pool refills its spare 3 s after the last take; then counts settle.
        await sleep(5000);
        const now = { fds: fds(), threads: threads() };
        console.log(`churn: fds ${idle.fds} -> ${now.fds}, threads ${idle.threads} -> ${now.threads}`);
        assert.ok(now.fds <= idle.fds + 4, `fds back to idle (${idle.fds} -> ${now.fds})`);
        assert.ok(now.threads <= idle.threads + 1, `threads back to idle (${idle.threads} -> ${now.threads})`);
      } finally {
        await server.close();
      }
    },
  );
});
