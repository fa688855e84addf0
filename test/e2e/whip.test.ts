import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { probe, sample, waitForFrames } from '../support/browser.js';
import { installFrameProbe, type FrameSample } from '../support/frame-probe.js';
import { api } from '../support/server.js';
import { useServerAndBrowser } from '../support/fixture.js';
import { PATTERN } from '../support/whip-publish.js';
import { waitFor } from '../support/wait.js';
import { WhipPublisher } from '../support/whip-publisher.js';

let server: CamLoopServer;
let browser: Browser;
useServerAndBrowser({}, (s, b) => void ([server, browser] = [s, b]));

async function sessions(): Promise<SessionInfo[]> {
  return (await (await api(server, '/api/sessions')).json()) as SessionInfo[];
}

/** Mean luma of the thumbnail's top and bottom halves (the pattern: bright above, dark below). */
function halves(frame: FrameSample): { top: number; bottom: number } {
  const mean = (rows: number[]) =>
    rows.reduce((sum, row) => sum + frame.thumb.slice(row * 32, row * 32 + 32).reduce((a, b) => a + b, 0), 0) / (rows.length * 32);
  return { top: mean([1, 2, 3, 4, 5, 6, 7, 8]), bottom: mean([16, 17, 18, 19, 20, 21, 22]) };
}

async function openViewer(id: string, url = `${server.url}/view/${id}#t=${encodeURIComponent(server.access.viewerToken)}`): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.evaluate(installFrameProbe, '#video');
  return page;
}

async function whip(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, init);
}

/**
 * A camera of this test's own: FFmpeg's whip muxer publishing the test pattern, filtered by
 * `transform`, sending frames. Killed, and its session closed, when the test ends.
 */
async function publishCamera(t: TestContext, transform: string): Promise<{ publisher: WhipPublisher; camera: SessionInfo }> {
  const earlier = new Set((await sessions()).map((s) => s.id));
  const publisher = new WhipPublisher(`${server.url}/whip?transform=${transform}`);
  let id: string | undefined;
  t.after(async () => {
    publisher.kill();
    await server.sessions.get(id ?? '')?.close();
  });
  const camera = await waitFor(
    () => `a WHIP camera sending frames (publisher: ${publisher.log.slice(-600)})`,
    async () => {
      if (publisher.exitCode !== undefined) throw new Error(`the publisher ended: ${publisher.log.slice(-600)}`);
      const made = (await sessions()).find((s) => s.source === 'whip' && !earlier.has(s.id));
      id = made?.id;
      return made && (made.stats?.framesIn ?? 0) > 10 ? made : undefined;
    },
  );
  return { publisher, camera };
}

it("FFmpeg's whip muxer publishes a camera: listed as WHIP, filtered by ?transform=, played by two WHEP viewers without a second encode", async (t) => {
  const { camera } = await publishCamera(t, 'invert');
  assert.equal(camera.codec, 'h264');
  assert.equal(camera.transform[0].id, 'invert');
  assert.equal(camera.connectionState, 'connected');

  // The panel lists it as WHIP, previews it (a viewer too), and links its player page.
  const panel = await browser.newPage();
  await panel.goto(server.panelUrl);
  const card = panel.locator(`.camera[data-id="${camera.id}"]`);
  await card.locator('h3', { hasText: /^WHIP Camera/ }).waitFor();
  const link = await card.locator('a.viewer').getAttribute('href');
  assert.equal(link, `${server.url}/view/${camera.id}#t=${encodeURIComponent(server.access.viewerToken)}`);
  await waitFor('the panel previewing', async () => ((await sessions()).find((s) => s.id === camera.id)?.viewers === 1 ? true : undefined));
  await panel.waitForFunction(() => (document.getElementById('preview') as HTMLVideoElement).videoWidth > 0, null, { timeout: 10_000 });
  await panel.close();
  await waitFor('the preview released', async () => ((await sessions()).find((s) => s.id === camera.id)?.viewers === 0 ? true : undefined));

  const [one, two] = [await openViewer(camera.id, link!), await openViewer(camera.id)];
  for (const page of [one, two]) await waitForFrames(page, 20, '#video');
  // The pattern is bright above and dark below: inverted, dark above and bright below.
  const seen = halves(await sample(one, '#video'));
  assert.ok(
    seen.top < 255 - PATTERN.bright + 40 && seen.bottom > 255 - PATTERN.dark - 40,
    `the viewer shows the inverted pattern (top ${seen.top.toFixed(0)}, bottom ${seen.bottom.toFixed(0)})`,
  );
  const info = (await sessions()).find((s) => s.id === camera.id)!;
  assert.equal(info.viewers, 2);
  assert.equal(await one.evaluate(() => document.body.dataset.state), 'playing');

  // No filter: the publisher's own packets go to the viewers (forwarded, no decode or encode).
  await api(server, `/api/sessions/${camera.id}/transform`, { method: 'PUT', body: JSON.stringify('none') });
  const plain = await waitFor('the unfiltered pattern on the viewer', async () => {
    const frame = halves(await sample(two, '#video'));
    return frame.top > PATTERN.bright - 40 && frame.bottom < PATTERN.dark + 40 ? frame : undefined;
  });
  assert.ok(plain);
  assert.equal((await sessions()).find((s) => s.id === camera.id)?.forwarding, true);
  const before = (await probe(two, '#video')).frames;
  await waitForFrames(two, 15, '#video');
  assert.ok((await probe(two, '#video')).frames > before, 'forwarded frames keep coming');

  // A viewer that leaves (its page closes: DELETE on pagehide) is released; the other plays on.
  await one.close();
  await waitFor('one viewer left', async () => ((await sessions()).find((s) => s.id === camera.id)?.viewers === 1 ? true : undefined));
  await waitForFrames(two, 10, '#video');
  await two.close();
});

it('bad WHIP and WHEP requests get the RFC status and the camera lives on', async (t) => {
  const { camera } = await publishCamera(t, 'invert');
  const sdp = { 'Content-Type': 'application/sdp' };
  const frag = { 'Content-Type': 'application/trickle-ice-sdpfrag' };
  const viewer = { Authorization: `Bearer ${server.access.viewerToken}` };

  const preflight = await whip('/whip', {
    method: 'OPTIONS',
    headers: { Origin: 'https://obs.example', 'Access-Control-Request-Method': 'POST' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  assert.equal(preflight.headers.get('accept-post'), 'application/sdp');

  assert.equal((await whip('/whip', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, 415);
  assert.equal((await whip('/whip', { method: 'POST', headers: sdp, body: 'hello' })).status, 400);
  assert.equal((await whip('/whip', { method: 'GET' })).status, 405);
  const audioOnly = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';
  const noVideo = await whip('/whip', { method: 'POST', headers: sdp, body: audioOnly });
  assert.equal(noVideo.status, 400);
  assert.match(((await noVideo.json()) as { error: string }).error, /must send video/);
  // A page of another site may not publish without the token (no CORS preflight needed for it to try).
  assert.equal((await whip('/whip', { method: 'POST', headers: { ...sdp, Origin: 'https://evil.example' }, body: 'v=0\r\n' })).status, 403);

  // The WHIP resource: trickle PATCH, ETag, no ICE restarts.
  const resource = `/whip/${camera.id}`;
  assert.equal((await whip('/whip/no-such-session', { method: 'PATCH', headers: frag, body: 'a=end-of-candidates\r\n' })).status, 404);
  assert.equal((await whip(resource, { method: 'PATCH', headers: sdp, body: 'a=end-of-candidates\r\n' })).status, 415);
  assert.equal((await whip(resource, { method: 'PATCH', headers: frag, body: 'garbage\r\n' })).status, 400);
  assert.equal(
    (
      await whip(resource, {
        method: 'PATCH',
        headers: frag,
        body: 'm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 2 nonsense\r\n',
      })
    ).status,
    400,
  );
  assert.equal(
    (await whip(resource, { method: 'PATCH', headers: { ...frag, 'If-Match': '"stale"' }, body: 'a=end-of-candidates\r\n' })).status,
    412,
  );
  assert.equal(
    (
      await whip(resource, {
        method: 'PATCH',
        headers: { ...frag, 'If-Match': '*' },
        body: 'a=ice-ufrag:new1\r\na=ice-pwd:newpasswordnewpasswordnew\r\n',
      })
    ).status,
    422,
  );
  assert.equal(
    (await whip(resource, { method: 'PATCH', headers: frag, body: 'a=ice-ufrag:other\r\na=ice-pwd:otherpasswordotherpassword\r\n' }))
      .status,
    422,
  );
  const trickled = await whip(resource, {
    method: 'PATCH',
    headers: frag,
    body: 'm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=candidate:9 1 udp 2113937151 127.0.0.1 9 typ host\r\na=end-of-candidates\r\n',
  });
  assert.equal(trickled.status, 204);
  const unknownMid = 'm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:nosuchmid\r\na=candidate:9 1 udp 2113937151 127.0.0.1 9 typ host\r\n';
  assert.equal((await whip(resource, { method: 'PATCH', headers: frag, body: unknownMid })).status, 400);
  assert.match(trickled.headers.get('etag') ?? '', /^".+"$/);
  const resourceOptions = await whip(resource, { method: 'OPTIONS' });
  assert.equal(resourceOptions.headers.get('accept-patch'), 'application/trickle-ice-sdpfrag');

  // WHEP: the viewer token only.
  const offer = await browser.newPage();
  const viewerOffer = await offer.evaluate(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription!.sdp;
  });
  await offer.close();
  const endpoint = `/whep/${camera.id}`;
  assert.equal((await whip(endpoint, { method: 'POST', headers: sdp, body: viewerOffer })).status, 401);
  assert.equal(
    (
      await whip(endpoint, {
        method: 'POST',
        headers: { ...sdp, Authorization: `Bearer ${server.access.controlToken}` },
        body: viewerOffer,
      })
    ).status,
    401,
  );
  assert.equal(
    (
      await whip(endpoint, {
        method: 'POST',
        headers: { ...sdp, Authorization: `Bearer ${server.access.pairingToken}` },
        body: viewerOffer,
      })
    ).status,
    401,
  );
  assert.equal((await whip('/whep/no-such-camera', { method: 'POST', headers: { ...sdp, ...viewer }, body: viewerOffer })).status, 404);
  assert.equal(
    (await whip(endpoint, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...viewer }, body: viewerOffer })).status,
    415,
  );
  assert.equal((await whip(endpoint, { method: 'POST', headers: { ...sdp, ...viewer }, body: 'not sdp' })).status, 400);
  const created = await whip(endpoint, { method: 'POST', headers: { ...sdp, ...viewer }, body: viewerOffer });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('content-type'), 'application/sdp');
  const location = created.headers.get('location')!;
  assert.match(location, new RegExp(`^/whep/${camera.id}/[\\w-]+$`));
  assert.match(await created.text(), /^v=0/);
  assert.equal((await whip(location, { method: 'PATCH', headers: frag, body: 'a=end-of-candidates\r\n' })).status, 401);
  assert.equal((await whip(location, { method: 'PATCH', headers: { ...frag, ...viewer }, body: 'a=end-of-candidates\r\n' })).status, 204);
  assert.equal((await whip(location, { method: 'DELETE', headers: viewer })).status, 200);
  assert.equal((await whip(location, { method: 'DELETE', headers: viewer })).status, 404);

  // Through all of it the camera kept publishing.
  const info = (await sessions()).find((s) => s.id === camera.id)!;
  assert.equal(info.connectionState, 'connected');
  const framesIn = info.stats!.framesIn;
  await waitFor('more frames from the publisher', async () =>
    ((await sessions()).find((s) => s.id === camera.id)?.stats?.framesIn ?? 0) > framesIn + 10 ? true : undefined,
  );
});

it("the publisher's DELETE ends the camera at once, and its viewers say so", async (t) => {
  const { publisher, camera } = await publishCamera(t, 'invert');
  const page = await openViewer(camera.id);
  const events: string[] = [];
  const t0 = Date.now();
  page.on('console', (m) => events.push(`+${Date.now() - t0} ${m.text()}`));
  await page.evaluate(() => {
    const video = document.getElementById('video') as HTMLVideoElement;
    const log = () => console.log(`state ${document.body.dataset.state}: ${document.getElementById('status')!.textContent}`);
    new MutationObserver(log).observe(document.body, { attributes: true, subtree: true, childList: true, characterData: true });
    video.addEventListener('emptied', () => console.log('emptied'));
  });
  await waitForFrames(page, 10, '#video');
  events.push(`+${Date.now() - t0} stopping`);
  const stopped = await publisher.stop();
  assert.equal(stopped.code, 0, stopped.output.slice(-500));
  assert.match(stopped.output, /Dispose resource .* ok/, 'the muxer DELETEd its session');
  await waitFor('the camera gone', async () => ((await sessions()).some((s) => s.id === camera.id) ? undefined : true), 2000);
  // CamLoop's goodbye (DTLS close_notify) reaches the player at once: no wait for ICE to fail.
  events.push(`+${Date.now() - t0} camera gone`);
  await page
    .waitForFunction(() => document.body.dataset.state === 'waiting', null, { timeout: 3000 })
    .catch((error: Error) => assert.fail(`${error.message}\n${events.join('\n')}`));
  assert.match((await page.locator('#status').textContent()) ?? '', /the camera left|camera not connected/);
  await page.close();
});

it('a browser publishes over WHIP from another origin (CORS preflights, exposed Location): VP8 and Opus, filtered, nothing sent back', async () => {
  // A publisher's page of its own, served by the test on another port: another origin, so every
  // request below is cross-origin (and both are loopback, which Chrome lets talk without a prompt).
  const site = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>a WHIP publisher</title>'),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  after(() => site.close());
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
  const endpoint = `${server.url}/whip?transform=edges`;
  const published = await page.evaluate(
    async ([url, token]) => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
      const pc = new RTCPeerConnection();
      (window as unknown as { publisher: RTCPeerConnection }).publisher = pc;
      const video = pc.addTransceiver(stream.getVideoTracks()[0]!, { direction: 'sendonly' });
      const codecs = RTCRtpSender.getCapabilities('video')!.codecs;
      video.setCodecPreferences([...codecs.filter((c) => c.mimeType === 'video/VP8'), ...codecs.filter((c) => c.mimeType !== 'video/VP8')]);
      pc.addTransceiver(stream.getAudioTracks()[0]!, { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) =>
        pc.iceGatheringState === 'complete'
          ? resolve()
          : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
      );
      const response = await fetch(url!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
        body: pc.localDescription!.sdp,
      });
      const answer = await response.text();
      if (response.status !== 201) return { status: response.status, answer };
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      return { status: response.status, location: response.headers.get('Location'), etag: response.headers.get('ETag'), answer };
    },
    [endpoint, server.access.pairingToken] as const,
  );
  assert.equal(published.status, 201, published.answer);
  assert.match(published.location ?? '', /^\/whip\/[\w-]+$/, 'Location is exposed to the page');
  assert.ok(published.etag, 'so is the ETag');
  assert.match(published.answer, /^a=recvonly/m, 'the answer only receives');
  const id = published.location!.split('/').pop()!;
  const camera = await waitFor('the browser camera processing frames', async () => {
    const info = (await sessions()).find((s) => s.id === id);
    return info && info.framesSent > 20 ? info : undefined;
  });
  assert.equal(camera.source, 'whip');
  assert.equal(camera.codec, 'vp8');
  assert.equal(camera.audioCodec, 'opus');
  assert.equal(camera.transform[0].id, 'edges');
  assert.equal(camera.forwarding, false);
  const received = await page.evaluate(async () => {
    const report = await (window as unknown as { publisher: RTCPeerConnection }).publisher.getStats();
    return [...report.values()].filter((s) => s.type === 'inbound-rtp').reduce((sum, s) => sum + (s.packetsReceived ?? 0), 0);
  });
  assert.equal(received, 0, 'no media comes back to a WHIP publisher');

  const deleted = await page.evaluate(
    async ([url, token]) => (await fetch(url!, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })).status,
    [`${server.url}${published.location}`, server.access.pairingToken] as const,
  );
  assert.equal(deleted, 200);
  assert.equal(
    (await sessions()).some((s) => s.id === id),
    false,
    'DELETE ends the camera',
  );
  await page.close();
});
