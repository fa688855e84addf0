import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { launchBrowserOn, startCamera, waitForFrames } from '../support/browser.js';
import type { ProbeState } from '../support/frame-probe.js';
import { LAN_PORT, LanApp, openPastCertificateWarning } from '../support/lan-app.js';
import { LAPTOP_ADDRESS, TestNetwork, type Host } from '../support/netns.js';
import { waitFor } from '../support/wait.js';

/** The bound: video back within this long after the phone's address changed. */
const BACK_WITHIN_MS = 3000;

// A phone whose address changes mid-call (a new DHCP lease; Wi-Fi to another network): the camera
// page restarts ICE on the same call, so the session, its recording and its frames carry on.
describe('a phone that moves to another subnet mid-call', () => {
  let network: TestNetwork;
  let phoneHost: Host;
  let lan: LanApp;
  let phoneBrowser: Browser;
  let recordDir: string;
  before(async () => {
    recordDir = await mkdtemp(join(tmpdir(), 'camloop-move-'));
    network = await TestNetwork.create();
    phoneHost = await network.addLanHost('phone', '10.77.1.2');
    [lan, phoneBrowser] = await Promise.all([
      LanApp.start(network, ['--record-to', join(recordDir, 'camera.webm')]),
      launchBrowserOn(phoneHost),
    ]);
  });
  after(async () => {
    await phoneBrowser?.close().catch(() => {});
    await lan?.stop();
    await network?.destroy();
    await rm(recordDir, { recursive: true, force: true });
  });

  it('gets video back within 3 s on the same session, the same peer connection and one recording file', async (t) => {
    const { token } = await lan.api<{ token: string }>('/api/pairing');
    const phone = await openPastCertificateWarning(phoneBrowser, `https://${LAPTOP_ADDRESS}:${LAN_PORT}/?t=${token}`);
    await phone.selectOption('#transform', 'invert');
    await startCamera(phone);
    await waitForFrames(phone, 30);
    const [before] = await lan.api<SessionInfo[]>('/api/sessions');
    assert.ok(before && before.framesSent > 0, 'processed frames before the move');

    const movedAt = await phone.evaluate(() => performance.now());
    await network.moveHost(phoneHost, '10.77.1.2', '10.77.3.2', '10.77.3.1');
    // Back: the first frame after the outage's gap (> 300 ms), with 15 frames after it.
    const backMs = await waitFor(
      'video back after the move',
      async () => {
        const times: number[] = await phone.evaluate(
          () => (window as unknown as { probes: Record<string, ProbeState> }).probes['#remote']!.times,
        );
        const after = times.filter((time) => time > movedAt - 1000);
        const gapEnd = after.findIndex((time, i) => i > 0 && time - after[i - 1]! > 300);
        return gapEnd > 0 && after.length - gapEnd >= 15 ? after[gapEnd]! - movedAt : undefined;
      },
      20_000,
    );
    t.diagnostic(`video back ${backMs.toFixed(0)} ms after the address changed`);

    const sessions = await lan.api<SessionInfo[]>('/api/sessions');
    assert.deepEqual(
      sessions.map((s) => s.id),
      [before.id],
      'the same session',
    );
    assert.ok(
      sessions[0]!.framesSent > before.framesSent + 15,
      `frames go on on that session (${before.framesSent} -> ${sessions[0]!.framesSent})`,
    );
    const peers = await phone.evaluate(() => (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.length);
    assert.equal(peers, 1, 'the page kept its peer connection (an ICE restart, not a new call)');
    const files = await readdir(recordDir);
    assert.equal(files.length, 1, `one recording file: ${files.join(', ')}`);
    assert.ok(backMs < BACK_WITHIN_MS, `video back after ${backMs.toFixed(0)} ms (bound ${BACK_WITHIN_MS} ms)`);
  });
});
