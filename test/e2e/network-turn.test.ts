import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowserOn, sample, startCamera, waitForFrames } from '../support/browser.js';
import { Coturn, TURN_PORT } from '../support/coturn.js';
import { LAN_PORT, LanApp, openPastCertificateWarning } from '../support/lan-app.js';
import { SYSTEM_PYTHON, UDP_PROBE_SCRIPT as PROBE } from '../support/link-impairer.js';
import { LAPTOP_ADDRESS, TestNetwork, type Host } from '../support/netns.js';

const SECRET = 'test-static-auth-secret';

/** The phone's selected candidate pair: its local candidate's type and, for a relay, how it reaches the TURN server. */
function selectedPair(page: Page): Promise<{ type?: string; relayProtocol?: string; remote?: string }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.at(-1)!;
    const stats = [...(await pc.getStats()).values()];
    const transport = stats.find((s) => s.type === 'transport');
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const local = stats.find((s) => s.id === pair?.localCandidateId);
    const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
    return { type: local?.candidateType, relayProtocol: local?.relayProtocol, remote: remote && `${remote.address}:${remote.port}` };
  });
}

// A phone that can reach the laptop only through coturn: behind a NAT router whose firewall passes
// the page (HTTPS) and the TURN port, nothing else. CamLoop hands the page its TURN server with
// short-lived credentials made from coturn's shared secret (--turn-secret).
describe('a phone behind NAT, through TURN', () => {
  let network: TestNetwork;
  let overUdp: Host;
  let tcpOnly: Host;
  let turn: Coturn;
  let lan: LanApp;
  const browsers: Browser[] = [];
  before(async () => {
    network = await TestNetwork.create();
    overUdp = (await network.addNattedHost('far', [`tcp:${LAN_PORT}`, `udp:${TURN_PORT}`, `tcp:${TURN_PORT}`])).host;
    // A guest network that blocks UDP altogether.
    tcpOnly = (await network.addNattedHost('tcp', [`tcp:${LAN_PORT}`, `tcp:${TURN_PORT}`])).host;
    turn = await Coturn.start(network.laptop, SECRET);
    lan = await LanApp.start(network, ['--turn', `turn:${LAPTOP_ADDRESS}:${TURN_PORT}`, '--turn-secret', SECRET]);
  });
  after(async () => {
    for (const browser of browsers) await browser.close().catch(() => {});
    turn?.stop();
    await lan?.stop();
    await network?.destroy();
  });

  it('the NAT passes no direct UDP to the laptop', async () => {
    const echo = network.laptop.spawn(SYSTEM_PYTHON, [PROBE, 'echo', '7000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => echo.stdout!.once('data', resolve));
    const result = JSON.parse(await overUdp.run(SYSTEM_PYTHON, [PROBE, 'probe', LAPTOP_ADDRESS, '7000', '10', '10', '100'])) as {
      received: number;
    };
    echo.kill('SIGKILL');
    assert.equal(result.received, 0);
  });

  for (const [name, host, protocol] of [
    ['UDP', () => overUdp, 'udp'],
    ['TCP when UDP is blocked', () => tcpOnly, 'tcp'],
  ] as const) {
    it(`connects through the relay over ${name}, with credentials from the page's /ice-servers`, async (t) => {
      const pairing = await lan.api<{ urls: { url: string }[] }>('/api/pairing');
      const browser = await launchBrowserOn(host());
      browsers.push(browser);
      const phone = await openPastCertificateWarning(browser, pairing.urls[0]!.url);
      const iceServers = await phone.evaluate(
        async () => (await (await fetch(`ice-servers${location.search}`)).json()) as { iceServers: RTCIceServer[] },
      );
      const expiry = Number(String(iceServers.iceServers[0]!.username).split(':')[0]);
      assert.ok(
        expiry > Date.now() / 1000 && expiry < Date.now() / 1000 + 86_400,
        `TURN REST username ${iceServers.iceServers[0]!.username}`,
      );
      assert.deepEqual(
        iceServers.iceServers.map((s) => s.urls),
        [`turn:${LAPTOP_ADDRESS}:${TURN_PORT}?transport=udp`, `turn:${LAPTOP_ADDRESS}:${TURN_PORT}?transport=tcp`],
      );
      const started = Date.now();
      await startCamera(phone, 30_000);
      t.diagnostic(`Start -> connected through TURN/${protocol}: ${Date.now() - started} ms`);
      await waitForFrames(phone, 20);
      assert.ok((await sample(phone)).meanLuma > 30, 'frames come back');
      const pair = await selectedPair(phone);
      assert.equal(pair.type, 'relay', JSON.stringify(pair));
      assert.equal(pair.relayProtocol, protocol, JSON.stringify(pair));
      await phone.click('#stop');
      await browser.close();
    });
  }
});
