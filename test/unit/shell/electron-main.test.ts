import assert from 'node:assert/strict';
import { request } from 'node:https';
import { createServer, connect, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RTCPeerConnection, MediaStreamTrack } from 'werift';
import { loadOrCreateCertificate } from '../../../electron/core/http/tls.js';
import { watchGoodbyes } from '../../../electron/core/webrtc/goodbye.js';
import { getMainWindowOptions } from '../../../electron/window.js';
import { StubbedElectronApp } from '../../support/electron-app.js';
import { waitFor } from '../../support/wait.js';

// electron/main.ts itself, in plain Node, against a stand-in `electron` (test/support/electron-stub.ts).

const until = (what: string, check: () => boolean, timeoutMs = 20_000) => waitFor(what, check, timeoutMs, 20);

/** GET over HTTPS, trusting the app's self-signed certificate as its window does. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/** A WHIP publisher made of a werift peer: a live camera session on the app, and ears for its goodbye. */
async function publish(base: string): Promise<{ heard: string[]; pc: RTCPeerConnection }> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const answer = await new Promise<string>((resolve, reject) => {
    const req = request(
      `${base}/whip`,
      { method: 'POST', rejectUnauthorized: false, headers: { 'Content-Type': 'application/sdp' } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => (res.statusCode === 201 ? resolve(body) : reject(new Error(`${res.statusCode}: ${body}`))));
      },
    );
    req.on('error', reject);
    req.end(pc.localDescription!.sdp);
  });
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await until('the publisher connected', () => pc.connectionState === 'connected');
  const heard: string[] = [];
  watchGoodbyes(pc, (how) => heard.push(how)).connected();
  return { heard, pc };
}

describe('electron/main.ts', () => {
  let dir: string;
  let paths: Record<string, string>;
  let app: StubbedElectronApp | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camloop-main-'));
    paths = { userData: join(dir, 'userData'), videos: join(dir, 'Videos') };
  });
  after(async () => {
    app?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('a second instance quits at once, opening nothing', async () => {
    app = StubbedElectronApp.start({ paths, secondInstance: true });
    await app.next('quit');
    app.kill();
    assert.equal(await app.exited, null);
    assert.doesNotMatch(app.output, /serving/);
  });

  it('a core that cannot start shows why and exits 1', async () => {
    const file = join(dir, 'not-a-folder');
    await writeFile(file, '');
    app = StubbedElectronApp.start({ paths: { ...paths, userData: join(file, 'userData') } });
    const box = await app.next('errorBox');
    assert.equal(box.title, 'CamLoop cannot start');
    assert.equal(await app.exited, 1);
  });

  it('starts the core (another port when its own is taken), opens the hardened window on the panel, trusts only its own certificate, and on quit closes every session and the core before it exits', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', resolve));
    const taken = (busy.address() as { port: number }).port;
    try {
      app = StubbedElectronApp.start({ paths, port: taken });
      const window = await app.next('window');
      assert.deepEqual(window.options, getMainWindowOptions());
      const url = new URL(String((await app.next('loadURL')).url));
      assert.equal(url.protocol, 'https:');
      assert.equal(url.hostname, '127.0.0.1');
      assert.notEqual(Number(url.port), taken, 'the port in use was left alone');
      assert.match(url.hash, /^#token=[\w-]+$/);
      assert.equal(await get(url.href), 200, 'the core serves the panel');

      app.send({ command: 'emit', target: 'window', name: 'ready-to-show' });
      app.send({ command: 'minimize' });
      app.send({ command: 'emit', target: 'app', name: 'second-instance' });
      app.send({ command: 'windowState' });
      const state = await app.next('windowState');
      assert.deepEqual([state.shown, state.restored, state.focused], [1, 1, 1], 'shown once ready; a second launch brings it back');

      const tls = await loadOrCreateCertificate(paths.userData!);
      const ours = `sha256/${Buffer.from(tls.fingerprint.replace(/:/g, ''), 'hex').toString('base64')}`;
      const verdict = async (hostname: string, fingerprint: string) => {
        app!.send({ command: 'verifyCertificate', hostname, fingerprint });
        return (await app!.next('verdict')).verdict;
      };
      assert.equal(await verdict('127.0.0.1', ours), 0, 'its own certificate on loopback');
      assert.equal(await verdict('127.0.0.1', 'sha256/AAAA'), -3, 'another certificate');
      assert.equal(await verdict('example.org', ours), -3, 'its certificate for another host');

      app.send({ command: 'emit', target: 'app', name: 'window-all-closed' });
      await app.next('quit');

      const camera = await publish(`https://127.0.0.1:${url.port}`);
      app.send({ command: 'requestQuit' });
      assert.equal((await app.next('quitRequested')).defaultPrevented, true, 'quitting waits for the core');
      // app.exit() ends the process: what main.ts had not done before it is never done.
      assert.equal(await app.exited, 0);
      await until('the camera to hear its goodbye', () => camera.heard.length > 0, 2000).catch(() => {});
      assert.deepEqual(camera.heard, ['DTLS close_notify'], 'its session was closed, saying so, before the exit');
      await camera.pc.close();
      const refused = await new Promise<string>((resolve) =>
        connect(Number(url.port), '127.0.0.1')
          .on('connect', () => resolve('connected'))
          .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')),
      );
      assert.equal(refused, 'ECONNREFUSED');
    } finally {
      busy.close();
    }
  });
});
