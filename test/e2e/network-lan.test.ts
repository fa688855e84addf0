import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import {
  invertedThumb,
  launchBrowserOn,
  sampleUntil,
  startCamera,
  thumbDifference,
  waitForFrames,
  type PeerTimeline,
} from '../support/browser.js';
import { LAN_PORT, LanApp, openPastCertificateWarning } from '../support/lan-app.js';
import { LAPTOP_ADDRESS, TestNetwork, type Host } from '../support/netns.js';
import { readQr } from '../support/qr.js';
import { waitFor } from '../support/wait.js';
import { WhipPublisher } from '../support/whip-publisher.js';

// The user's journey, on a real (namespaced) network: CamLoop on the laptop with --host 0.0.0.0,
// a phone that is another host on the LAN, opening the URL of the panel's QR code over HTTPS.
describe('a phone on the LAN', () => {
  let network: TestNetwork;
  let phoneHost: Host;
  let lan: LanApp;
  let phoneBrowser: Browser;
  let qrUrl: string;
  before(async () => {
    network = await TestNetwork.create();
    phoneHost = await network.addLanHost('phone', '10.77.1.2');
    [lan, phoneBrowser] = await Promise.all([LanApp.start(network), launchBrowserOn(phoneHost)]);
  });
  after(async () => {
    await phoneBrowser?.close().catch(() => {});
    await lan?.stop();
    await network?.destroy();
  });

  it('the QR code holds the HTTPS LAN URL; the phone opens it past the certificate warning, connects, and the filter changes what comes back', async (t) => {
    await lan.panel.waitForFunction(() => (document.getElementById('qr') as HTMLImageElement).src.startsWith('data:image/svg'));
    qrUrl = (await readQr(lan.panel)) ?? '';
    const url = new URL(qrUrl);
    assert.equal(`${url.protocol}//${url.host}`, `https://${LAPTOP_ADDRESS}:${LAN_PORT}`, `QR code: ${qrUrl}`);
    assert.ok(url.searchParams.get('t'), 'with the pairing token');

    const phone = await openPastCertificateWarning(phoneBrowser, qrUrl);
    await phone.selectOption('#transform', 'none');
    const started = Date.now();
    await startCamera(phone);
    const connectedMs = Date.now() - started;
    await waitForFrames(phone, 10);
    const firstFramesMs = Date.now() - started;

    // Only candidates the phone can reach: the one address it reached the server at.
    const { candidates, iceMs } = await phone.evaluate(() => {
      const pc = (window as unknown as { peerConnections: (RTCPeerConnection & { timeline: PeerTimeline })[] }).peerConnections.at(-1)!;
      const lines = pc.remoteDescription!.sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
      return {
        candidates: [...new Set(lines.map((l) => l.split(' ').slice(4, 6).join(':')))],
        iceMs: pc.timeline.iceConnectedAt - pc.timeline.answeredAt,
      };
    });
    assert.ok(
      candidates.length >= 1 && candidates.every((c) => c.startsWith(`${LAPTOP_ADDRESS}:`)),
      `answer candidates: ${candidates.join(', ')}`,
    );
    t.diagnostic(
      `answer candidates: ${candidates.length} (${candidates.join(', ')}); ICE answer -> connected ${iceMs.toFixed(0)} ms; Start -> connected ${connectedMs} ms, -> 10 frames back ${firstFramesMs} ms`,
    );

    // The filter dropdown on the phone changes what comes back: inverted pixels.
    await phone.selectOption('#transform', 'invert');
    const [out, source] = await sampleUntil(phone, (o, s) => thumbDifference(o, invertedThumb(s)) < 30, 8000);
    assert.ok(thumbDifference(out, invertedThumb(source)) < 30, `inverted: ${thumbDifference(out, invertedThumb(source)).toFixed(1)}`);

    // The panel lists it and previews it.
    await lan.panel.waitForSelector('.camera .transform');
    await lan.panel.waitForFunction(() => !(document.getElementById('preview') as HTMLVideoElement).hidden, null, { timeout: 10_000 });
    const sessions = await lan.api<SessionInfo[]>('/api/sessions');
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.transform[0]!.id, 'invert');
    // Stop on the phone: its goodbye crosses the LAN and the panel lets it go.
    await phone.click('#stop');
    await lan.panel.waitForFunction(() => document.querySelectorAll('.camera').length === 0, null, { timeout: 3000 });
    await phone.context().close();
  });

  it('from the LAN: no offer without the pairing token (401), no TURN credentials either, and the control API refuses everything', async () => {
    const phone = await openPastCertificateWarning(phoneBrowser, qrUrl);
    const statuses = await phone.evaluate(async (controlToken) => {
      const offer = { sdp: 'v=0\r\n', type: 'offer' };
      const post = (path: string, body: object, headers: Record<string, string> = {}) =>
        fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(
          (r) => r.status,
        );
      const get = (path: string) => fetch(path, { headers: { Authorization: `Bearer ${controlToken}` } }).then((r) => r.status);
      return {
        offer: await post('/offer', offer),
        wrongToken: await post('/offer?t=nope', offer),
        iceServers: await fetch('/ice-servers').then((r) => r.status),
        whip: await fetch('/whip', { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' }).then(
          (r) => r.status,
        ),
        whipWrongToken: await fetch('/whip', {
          method: 'POST',
          headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer nope' },
          body: 'v=0\r\n',
        }).then((r) => r.status),
        whep: await fetch('/whep/any', { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' }).then(
          (r) => r.status,
        ),
        sessions: await get('/api/sessions'),
        pairing: await get('/api/pairing'),
        rotate: await post('/api/pairing/rotate', {}, { Authorization: `Bearer ${controlToken}` }),
      };
    }, lan.app.controlToken);
    // Even with the control token (leaked, say), the control API answers only the laptop itself.
    assert.deepEqual(statuses, {
      offer: 401,
      wrongToken: 401,
      iceServers: 401,
      whip: 401,
      whipWrongToken: 401,
      whep: 401,
      sessions: 403,
      pairing: 403,
      rotate: 403,
    });
    assert.equal((await lan.api<SessionInfo[]>('/api/sessions')).length, 0, 'the server lives on, with no session opened');
    await phone.context().close();
  });

  it("a WHIP publisher on the LAN (FFmpeg's muxer) publishes over HTTPS to the URL and token the panel shows", async (t) => {
    await lan.panel.click('#whip summary');
    const whipUrl = await lan.panel.locator('#whip-url').textContent();
    const token = await lan.panel.locator('#whip-token').textContent();
    assert.equal(whipUrl, `https://${LAPTOP_ADDRESS}:${LAN_PORT}/whip`);
    assert.ok(token && token === new URL(qrUrl).searchParams.get('t'), 'the Bearer token is the pairing token');
    const started = Date.now();
    const publisher = new WhipPublisher(`${whipUrl}?transform=grayscale`, { token, host: phoneHost });
    try {
      const camera = await waitFor(
        () => `a WHIP camera sending frames; publisher: ${publisher.log.slice(-600)}`,
        async () => (await lan.api<SessionInfo[]>('/api/sessions')).find((s) => (s.stats?.framesIn ?? 0) >= 10),
        15_000,
        200,
      );
      t.diagnostic(`WHIP publisher start -> 10 frames processed ${Date.now() - started} ms`);
      assert.equal(camera.source, 'whip');
      assert.equal(camera.transform[0]!.id, 'grayscale');
      await lan.panel.waitForFunction(() => document.querySelector('.camera h3')?.textContent?.startsWith('WHIP'), null, { timeout: 5000 });
      const stopped = await publisher.stop();
      assert.equal(stopped.code, 0, stopped.output.slice(-400));
      await lan.panel.waitForFunction(() => document.querySelectorAll('.camera').length === 0, null, { timeout: 3000 });
    } finally {
      publisher.kill();
    }
  });
});
