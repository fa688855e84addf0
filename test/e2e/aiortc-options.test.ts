import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { silentLogger } from '../../electron/core/base/log.js';
import { startServer, type CamLoopServer } from '../../electron/core/http/server.js';
import { IceServers } from '../../electron/core/webrtc/ice-servers.js';
import { serveAiortcClient } from '../support/aiortc-client.js';
import { inboundAudio, startAiortcClient, waitForAiortcVideo } from '../support/aiortc-page.js';
import { launchBrowser, sample } from '../support/browser.js';
import { startStunServer } from '../support/stun-server.js';

/** The port aiortc's client hard-codes for its STUN server (stun.l.google.com:19302). */
const CLIENT_STUN_PORT = 19302;

let browser: Browser;
let stun: Awaited<ReturnType<typeof startStunServer>>;
before(async () => {
  stun = await startStunServer(CLIENT_STUN_PORT);
  // Resolve the client's STUN host to our loopback STUN server: no traffic leaves the machine.
  browser = await launchBrowser(['--host-resolver-rules=MAP stun.l.google.com 127.0.0.1']);
});
after(async () => {
  await browser.close();
  await stun.close();
});

async function withServer(
  options: Partial<Parameters<typeof startServer>[0]>,
  test: (server: CamLoopServer, clientUrl: string) => Promise<void>,
) {
  const server = await startServer({ host: '127.0.0.1', port: 0, log: silentLogger, ...options });
  const client = await serveAiortcClient(server.url);
  try {
    await test(server, client.url);
  } finally {
    await client.close();
    await server.close();
  }
}

describe("aiortc's example client, every option", () => {
  for (const codec of ['default', 'opus/48000/2', 'PCMU/8000', 'PCMA/8000']) {
    it(`audio ${codec}: the server answers with the bundled chime looping`, () =>
      withServer({ audio: 'loop' }, async (server, url) => {
        const page = await startAiortcClient(browser, url, { video: { transform: 'none' }, audio: { codec }, datachannel: false });
        await waitForAiortcVideo(page, 10);
        await page.waitForFunction(async () => true);
        await new Promise((r) => setTimeout(r, 2500));
        const audio = await inboundAudio(page);
        assert.ok(audio.packetsReceived > 50, `audio packets arrive (${audio.packetsReceived})`);
        assert.ok(audio.totalAudioEnergy > 0, 'and carry sound');
        const expected = codec === 'default' ? 'audio/opus' : `audio/${codec.split('/')[0]}`;
        assert.equal(audio.codec?.toLowerCase(), expected.toLowerCase());
        assert.equal(server.sessions.list()[0].info().audioCodec, expected.split('/')[1].toLowerCase());
        await page.close();
      }));
  }

  it('audio echo: the caller hears its own microphone', () =>
    withServer({ audio: 'echo' }, async (_server, url) => {
      const page = await startAiortcClient(browser, url, { video: { transform: 'none' }, audio: { codec: 'default' }, datachannel: false });
      await waitForAiortcVideo(page, 10);
      await new Promise((r) => setTimeout(r, 2000));
      const audio = await inboundAudio(page);
      assert.ok(audio.packetsReceived > 50 && audio.totalAudioEnergy > 0, `the 440 Hz tone comes back (${JSON.stringify(audio)})`);
      await page.close();
    }));

  for (const parameters of [
    '{"ordered": true}',
    '{"ordered": false, "maxRetransmits": 0}',
    '{"ordered": false, "maxPacketLifetime": 500}',
  ]) {
    it(`data channel ${parameters}: ping -> pong, with the reliability the browser opened it with`, () =>
      withServer({}, async (server, url) => {
        const page = await startAiortcClient(browser, url, { video: { transform: 'edges' }, audio: false, datachannel: parameters });
        await page.waitForFunction(() => /< pong \d+/.test(document.getElementById('data-channel')!.textContent ?? ''), null, {
          timeout: 15_000,
        });
        const log = await page.textContent('#data-channel');
        assert.match(log ?? '', /RTT \d+ ms/);
        // What the browser actually opened (Chrome reads `maxPacketLifeTime`; the client's
        // "maxPacketLifetime" spelling leaves it reliable) is what the server must honour.
        const opened = await page.evaluate(() => {
          const dc = (window as unknown as { dc: RTCDataChannel }).dc;
          return { label: dc.label, ordered: dc.ordered, maxRetransmits: dc.maxRetransmits, maxPacketLifeTime: dc.maxPacketLifeTime };
        });
        assert.equal(opened.ordered, !parameters.includes('false'));
        assert.deepEqual(server.sessions.list()[0].info().dataChannels[0], opened);
        await page.close();
      }));
  }

  // The client's own defaults: no video at all. Each of these was refused once (400 "no video").
  for (const codec of ['default', 'PCMU/8000', 'PCMA/8000']) {
    it(`no video, audio ${codec} alone: answered, the chime comes back, no codec worker taken`, () =>
      withServer({ audio: 'loop' }, async (server, url) => {
        const page = await startAiortcClient(browser, url, { audio: { codec }, datachannel: false });
        await page.waitForFunction(
          async () => (window as unknown as { pc?: RTCPeerConnection }).pc?.connectionState === 'connected',
          null,
          { timeout: 15_000, polling: 100 },
        );
        let audio = await inboundAudio(page);
        for (let i = 0; i < 30 && audio.packetsReceived <= 50; i++)
          audio = await new Promise((r) => setTimeout(r, 200)).then(() => inboundAudio(page));
        assert.ok(audio.packetsReceived > 50 && audio.totalAudioEnergy > 0, `sound arrives (${JSON.stringify(audio)})`);
        const info = server.sessions.list()[0].info();
        assert.equal(info.codec, undefined);
        assert.equal(info.stats, undefined, 'no video pipeline');
        await page.close();
      }));
  }

  for (const parameters of [
    '{"ordered": true}',
    '{"ordered": false, "maxRetransmits": 0}',
    '{"ordered": false, "maxPacketLifetime": 500}',
  ]) {
    for (const audio of [false, { codec: 'default' }] as const) {
      it(`no video, data channel ${parameters}${audio ? ' + audio' : ' alone'}: ping -> pong`, () =>
        withServer({}, async (server, url) => {
          const page = await startAiortcClient(browser, url, { audio, datachannel: parameters });
          await page.waitForFunction(() => /< pong \d+/.test(document.getElementById('data-channel')!.textContent ?? ''), null, {
            timeout: 15_000,
          });
          assert.equal(server.sessions.list()[0].info().dataChannels.length, 1);
          if (audio) assert.equal(server.sessions.list()[0].info().audioCodec, 'opus');
          await page.close();
        }));
    }
  }

  for (const codec of ['VP8/90000', 'H264/90000']) {
    it(`everything at once: video ${codec} (edges) + audio + data channel`, () =>
      withServer({ audio: 'loop' }, async (server, url) => {
        const page = await startAiortcClient(browser, url, {
          video: { transform: 'edges', codec },
          audio: { codec: 'default' },
          datachannel: '{"ordered": true}',
        });
        await waitForAiortcVideo(page, 30);
        await page.waitForFunction(() => /< pong \d+/.test(document.getElementById('data-channel')!.textContent ?? ''), null, {
          timeout: 15_000,
        });
        assert.ok((await sample(page, '#video')).meanLuma < 40, 'edges');
        const audio = await inboundAudio(page);
        assert.ok(audio.packetsReceived > 0, 'audio arrives');
        const info = server.sessions.list()[0].info();
        assert.deepEqual([info.codec, info.audioCodec, info.dataChannels.length], [codec.split('/')[0].toLowerCase(), 'opus', 1]);
        await page.close();
      }));

    it(`video codec ${codec} forced by SDP filtering: processed frames come back in it`, () =>
      withServer({}, async (server, url) => {
        const page = await startAiortcClient(browser, url, { video: { transform: 'edges', codec }, audio: false, datachannel: false });
        await waitForAiortcVideo(page, 30);
        assert.ok((await sample(page, '#video')).meanLuma < 40, 'edges');
        assert.equal(server.sessions.list()[0].info().codec, codec.split('/')[0].toLowerCase());
        await page.close();
      }));
  }

  it('client STUN on: the call still connects and frames come back', () =>
    withServer({}, async (server, url) => {
      const page = await startAiortcClient(browser, url, { video: { transform: 'rotate' }, audio: false, datachannel: false, stun: true });
      await waitForAiortcVideo(page, 30);
      assert.equal(server.sessions.list()[0].info().connectionState, 'connected');
      await page.close();
    }));

  it('server --stun: werift gathers through it and the call works', async () => {
    const serverStun = await startStunServer();
    try {
      await withServer({ iceServers: new IceServers({ stun: [`stun:127.0.0.1:${serverStun.port}`], turn: [] }) }, async (server, url) => {
        const page = await startAiortcClient(browser, url, { video: { transform: 'none' }, audio: false, datachannel: false });
        await waitForAiortcVideo(page, 30);
        assert.ok(serverStun.requests() > 0, 'the server asked its STUN server');
        const info = server.sessions.list()[0].info();
        assert.equal(info.iceGatheringState, 'complete');
        assert.equal(info.signalingState, 'stable');
        assert.match(info.iceConnectionState, /connected|completed/);
        await page.close();
      });
    } finally {
      await serverStun.close();
    }
  });
});
