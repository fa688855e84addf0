import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SettingsStore } from '../../../electron/core/base/settings-store.js';
import { AccessControl } from '../../../electron/core/http/access.js';
import { handleControl, type ControlContext, type PairingInfo } from '../../../electron/core/http/control-api.js';
import { lanAddresses } from '../../../electron/core/http/lan.js';
import type { PluginHost } from '../../../electron/core/plugins/plugin-host.js';
import { Sessions } from '../../../electron/core/session/sessions.js';
import { FakeSession, serveRoute } from '../../support/route-server.js';

const PORT = 8443;
let ctx: ControlContext;
let base: string;
let close: () => Promise<void>;
let camera: FakeSession;
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'camloop-control-'));
  ctx = {
    sessions: new Sessions(),
    access: new AccessControl(),
    settings: await SettingsStore.open(),
    plugins: { dir: '/plugins', errors: [{ file: 'broken.mjs', message: 'exports no transform' }] } as unknown as PluginHost,
    videosDir: () => join(root, 'videos'),
    scheme: 'https',
    port: () => PORT,
    reachable: false,
    workers: () => 0,
  };
  ({ url: base, close } = await serveRoute((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    return handleControl(ctx, req, res, url.pathname, req.method!);
  }));
});
after(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  await ctx.sessions.closeAll();
  camera = new FakeSession('cam-1');
  ctx.sessions.add(camera.asSession);
});

/** A request with `body` as JSON, or as it is when given as `{ raw }`. */
async function call(path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = body instanceof Object && 'raw' in body ? String(body.raw) : JSON.stringify(body);
  const init: RequestInit = { method, ...(body !== undefined && { body: text }) };
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the control API (handleControl)', () => {
  it('lists the cameras and reports one; an unknown id is 404, a path it does not own is left to the caller', async () => {
    const other = new FakeSession('cam-2');
    ctx.sessions.add(other.asSession);
    const listed = await fetch(`${base}/api/sessions`).then((r) => r.json());
    assert.deepEqual(
      (listed as { id: string }[]).map((s) => s.id),
      ['cam-1', 'cam-2'],
    );
    assert.deepEqual(await call('/api/sessions/cam-2'), { status: 200, body: other.info() });
    assert.deepEqual(await call('/api/sessions/nope'), { status: 404, body: { error: 'no such session' } });
    assert.equal((await call('/api/sessions/bad%20id')).status, 404, 'not an id: not a path of ours');
    assert.equal((await call('/api/elsewhere')).status, 404);
  });

  it('PUT transform sets the chain (an id, a chain, or {chain}), with defaults; a bad one is 400 and changes nothing', async () => {
    const put = (body: unknown) => call('/api/sessions/cam-1/transform', 'PUT', body);
    const edges = await put({ chain: [{ id: 'edges', params: { low: 80 } }] });
    assert.equal(edges.status, 200);
    assert.deepEqual(camera.transform, [{ id: 'edges', params: { low: 80, high: 200 } }]);
    assert.deepEqual(edges.body.transform, camera.transform, 'answers with the session as it is now');
    await put('invert');
    assert.deepEqual(camera.transform, [{ id: 'invert', params: {} }]);
    await put(['mirror', 'invert']);
    assert.deepEqual(
      camera.transform.map((c) => c.id),
      ['mirror', 'invert'],
    );
    const unknown = await put({ chain: 'no-such-filter' });
    assert.deepEqual(unknown, { status: 400, body: { error: 'unknown transform "no-such-filter"' } });
    assert.equal((await put({ chain: { id: 'edges', params: { low: 9999 } } })).status, 400, 'a param out of range');
    assert.equal((await put({ raw: '{not json' })).status, 400);
    assert.equal((await put({ raw: '"x"'.padEnd(300 * 1024, ' ') })).status, 413, 'a body over 256 KB');
    assert.deepEqual(
      camera.transform.map((c) => c.id),
      ['mirror', 'invert'],
      'unchanged by the bad requests',
    );
  });

  it('PUT max-bitrate takes an integer in range or null', async () => {
    const put = (body: unknown) => call('/api/sessions/cam-1/max-bitrate', 'PUT', body);
    assert.equal((await put({ maxBitrate: 800_000 })).status, 200);
    assert.equal(camera.maxBitrate, 800_000);
    for (const bad of [{ maxBitrate: 50 }, { maxBitrate: 60_000_000 }, { maxBitrate: 1.5e6 + 0.5 }, { maxBitrate: '1000000' }, {}]) {
      const answer = await put(bad);
      assert.equal(answer.status, 400, JSON.stringify(bad));
      assert.match(String(answer.body.error), /maxBitrate/);
    }
    assert.equal(camera.maxBitrate, 800_000);
    assert.equal((await put({ maxBitrate: null })).status, 200);
    assert.equal(camera.maxBitrate, undefined, 'null lifts the cap');
  });

  it('POST preview answers an SDP offer as a viewer of the camera; anything else is 400', async () => {
    const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
    const answer = await call('/api/sessions/cam-1/preview', 'POST', { type: 'offer', sdp: offer });
    assert.deepEqual(answer, { status: 200, body: { type: 'answer', sdp: 'v=0\r\ns=answer to v1\r\n' } });
    assert.deepEqual(camera.viewerOffers, [{ sdp: offer, kind: 'preview', localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' }]);
    for (const bad of [{ type: 'answer', sdp: offer }, { type: 'offer', sdp: 'hello' }, { type: 'offer' }, null])
      assert.equal((await call('/api/sessions/cam-1/preview', 'POST', bad)).status, 400, JSON.stringify(bad));
    assert.equal(camera.viewerOffers.length, 1);
  });

  it('POST/DELETE recording records the processed video into the videos folder (made if missing)', async () => {
    const started = await call('/api/sessions/cam-1/recording', 'POST');
    assert.equal(started.status, 200);
    const file = started.body.recording as string;
    assert.equal(dirname(file), ctx.videosDir());
    assert.match(file, /CamLoop-\d{4}-\d\d-\d\dT[\d-]+Z-cam-1\.webm$/);
    assert.ok(existsSync(ctx.videosDir()));
    assert.equal(camera.recording, file);
    assert.deepEqual(await call('/api/sessions/cam-1/recording', 'DELETE'), { status: 200, body: { recorded: file } });
    assert.deepEqual(await call('/api/sessions/cam-1/recording', 'DELETE'), { status: 200, body: { recorded: null } });
  });

  it('DELETE hangs the camera up; a method a path does not take is 405', async () => {
    assert.equal((await call('/api/sessions/cam-1', 'PATCH')).status, 405);
    assert.equal((await call('/api/sessions/cam-1/transform', 'POST', 'edges')).status, 405);
    assert.equal((await call('/api/sessions/cam-1/preview', 'GET')).status, 405);
    assert.equal(camera.closed, false);
    assert.deepEqual(await call('/api/sessions/cam-1', 'DELETE'), { status: 200, body: { closed: 'cam-1' } });
    assert.equal(camera.closed, true);
    assert.equal(ctx.sessions.get('cam-1'), undefined);
  });

  it('reports the plugins folder and its errors', async () => {
    assert.deepEqual(await call('/api/plugins'), {
      status: 200,
      body: { dir: '/plugins', errors: [{ file: 'broken.mjs', message: 'exports no transform' }] },
    });
  });

  it('pairing: the phone URLs, the WHIP URL on loopback when not reachable, the tokens; rotate makes a new pairing token', async () => {
    const { status, body } = await call('/api/pairing');
    const pairing = body as unknown as PairingInfo;
    assert.equal(status, 200);
    assert.equal(pairing.token, ctx.access.pairingToken);
    assert.equal(pairing.viewerToken, ctx.access.viewerToken);
    assert.equal(pairing.whipUrl, `https://127.0.0.1:${PORT}/whip`);
    assert.equal(pairing.reachable, false);
    assert.deepEqual(
      pairing.urls.map((u) => u.url),
      lanAddresses().map((lan) => `https://${lan.address}:${PORT}/?t=${encodeURIComponent(pairing.token)}`),
    );
    assert.ok(pairing.urls.every((u) => u.qrSvg.startsWith('<svg')));
    const old = pairing.token;
    const rotated = (await call('/api/pairing/rotate', 'POST')).body as unknown as PairingInfo;
    assert.notEqual(rotated.token, old);
    assert.equal(rotated.token, ctx.access.pairingToken);
    assert.equal((await call('/api/pairing/rotate')).status, 404, 'GET does not rotate');
    assert.equal(ctx.access.pairingToken, rotated.token);
  });
});
