import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { openCameraPage, probe, videoRtpStats } from '../support/browser.js';
import { api } from '../support/server.js';
import { useServerAndBrowser } from '../support/fixture.js';

let server: CamLoopServer;
let browser: Browser;
// 3 % of packets lost each way, in the server's transport.
useServerAndBrowser({ lossPercent: 3 }, (s, b) => void ([server, browser] = [s, b]));

it('with 3 % loss each way, lost packets are resent over RTX both ways and the processed video keeps flowing', async () => {
  const page = await openCameraPage(browser, `${server.url}/`, { transform: 'invert' });
  const startFrames = (await probe(page)).frames;
  await new Promise((r) => setTimeout(r, 8000));
  const frames = (await probe(page)).frames - startFrames;
  const { inbound, outbound } = await videoRtpStats(page);
  const [session] = (await (await api(server, '/api/sessions')).json()) as SessionInfo[];
  console.log(
    `frames back ${frames} in 8 s; browser: nacks sent ${inbound.nackCount}, retransmissions received ${inbound.retransmittedPacketsReceived}; ` +
      `browser resent ${outbound.retransmittedPacketsSent} on our NACKs ${outbound.nackCount}; server frames in ${session.stats?.framesIn} out ${session.stats?.framesOut} sent ${session.framesSent}, ` +
      `our PLIs ${outbound.pliCount}; browser: packets in ${inbound.packetsReceived}, frames received ${inbound.framesReceived} decoded ${inbound.framesDecoded} (key ${inbound.keyFramesDecoded}), its PLIs ${inbound.pliCount} FIRs ${inbound.firCount}`,
  );
  assert.ok(inbound.nackCount > 0, 'the browser asked for lost packets');
  assert.ok(inbound.retransmittedPacketsReceived > 0, 'and got them over RTX');
  assert.ok(
    outbound.nackCount > 0 && outbound.retransmittedPacketsSent > 0,
    'we asked the browser for lost packets and it resent them over RTX',
  );
  assert.ok(frames > 8 * 15, `only ${frames} frames came back in 8 s`);
  await page.close();
});
