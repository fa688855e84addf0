import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import { openCameraPage, videoRtpStats, waitForFrames } from '../support/browser.js';
import { useServerAndBrowser } from '../support/fixture.js';

let server: CamLoopServer;
let browser: Browser;
useServerAndBrowser({}, (s, b) => void ([server, browser] = [s, b]));

/** What a chart of the panel holds: uPlot's data arrays (x in seconds since the epoch, then one array per series). */
function chartData(panel: Page, selector: string): Promise<(number | null)[][]> {
  return panel.evaluate((s) => {
    const element = document.querySelector(s) as (HTMLElement & { chart?: { data: (number | null)[][] } }) | null;
    if (!element?.chart) throw new Error(`no chart at ${s}`);
    return element.chart.data.map((column) => [...column]);
  }, selector);
}

/** The mean of a series' values at x within (from, to] (seconds), and how many there were. */
function meanBetween(data: (number | null)[][], series: number, from: number, to: number): { mean: number; n: number } {
  const values = data[0]!.flatMap((x, i) => (x! > from && x! <= to && data[series]![i] !== null ? [data[series]![i]!] : []));
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, n: values.length };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live graphs', () => {
  it("the panel's charts hold the call's figures: fps and bitrate in match what the phone sent; processing, RTT, the app's load", async () => {
    const panel = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await panel.goto(server.panelUrl);
    const phone = await openCameraPage(browser, server.url, { transform: 'edges' });
    try {
      await waitForFrames(phone, 30);
      await panel.waitForSelector('.camera .graph[data-graph="fps"]');
      // A window of the phone's own count of what it sent, against what the chart got from the core.
      const [session] = server.sessions.list();
      const snapshot = async () => ({
        at: Date.now() / 1000,
        out: (await videoRtpStats(phone)).outbound,
        core: session.info().framesReceived,
      });
      const before = await snapshot();
      await sleep(8000);
      const after = await snapshot();
      await sleep(1500);
      const seconds = after.at - before.at;
      const sentFps = (after.out.framesSent! - before.out.framesSent!) / seconds;
      const coreFps = (after.core - before.core) / seconds;
      const sentBps =
        ((after.out.bytesSent! + after.out.headerBytesSent! - before.out.bytesSent! - before.out.headerBytesSent!) * 8) / seconds;

      const fps = await chartData(panel, '.camera .graph[data-graph="fps"]');
      const bitrate = await chartData(panel, '.camera .graph[data-graph="bitrate"]');
      // The server's second ending at x counts the frames of the second before it.
      const fpsIn = meanBetween(fps, 1, before.at + 1, after.at);
      const fpsOut = meanBetween(fps, 2, before.at + 1, after.at);
      const mbpsIn = meanBetween(bitrate, 1, before.at + 1, after.at);
      console.log(
        `phone sent ${sentFps.toFixed(1)} fps, ${(sentBps / 1e6).toFixed(2)} Mbps; the core got ${coreFps.toFixed(1)} fps; chart in ${fpsIn.mean.toFixed(1)} fps (${fpsIn.n} points), out ${fpsOut.mean.toFixed(1)} fps, in ${mbpsIn.mean.toFixed(2)} Mbps`,
      );
      assert.ok(sentFps > 5, `the phone sent ${sentFps.toFixed(1)} fps`);
      assert.ok(fpsIn.n >= 6, `${fpsIn.n} points in ${seconds.toFixed(1)} s`);
      // What the core counted, as the chart got it; and that is the camera's rate (what a loaded machine lost aside).
      assert.ok(Math.abs(fpsIn.mean - coreFps) / coreFps < 0.15, `fps in ${fpsIn.mean.toFixed(1)} vs the core's ${coreFps.toFixed(1)}`);
      assert.ok(
        fpsIn.mean <= sentFps * 1.1 && fpsIn.mean >= sentFps * 0.5,
        `fps in ${fpsIn.mean.toFixed(1)} vs sent ${sentFps.toFixed(1)}`,
      );
      assert.ok(fpsOut.mean > 0 && fpsOut.mean <= fpsIn.mean * 1.1, `fps out ${fpsOut.mean.toFixed(1)}`);
      // The core counts all of the peer's bytes (RTCP, retransmissions too): within a quarter.
      assert.ok(Math.abs(mbpsIn.mean * 1e6 - sentBps) / sentBps < 0.25, `bitrate in ${mbpsIn.mean.toFixed(2)} Mbps vs ${sentBps / 1e6}`);
      // A minute at most, one point a second.
      assert.ok(fps[0]!.length <= 61 && fps[0]!.at(-1)! - fps[0]![0]! <= 60);

      const processing = await chartData(panel, '.camera .graph[data-graph="processing"]');
      assert.ok(meanBetween(processing, 1, before.at, after.at).mean > 0, 'edges takes some ms per frame');
      const network = await chartData(panel, '.camera .graph[data-graph="network"]');
      assert.ok(
        network[1]!.some((rtt) => rtt !== null && rtt >= 0),
        'RTT measured',
      );
      assert.ok(
        network[2]!.some((loss) => loss !== null),
        'loss from the camera measured',
      );
      assert.ok(await panel.isHidden('.camera .graph[data-graph="model"]'), 'no model: no model chart');
      const app = await chartData(panel, '.graph[data-graph="app"]');
      assert.ok(meanBetween(app, 1, before.at, after.at).mean > 1, 'the app uses some CPU');
      assert.ok(meanBetween(app, 2, before.at, after.at).mean > 50, 'and some memory (MB)');
    } finally {
      await Promise.all([panel.close(), phone.close()]);
      await server.sessions.closeAll();
    }
  });

  it('the panel draws them under 5 % of a core (its main thread, by Chromium’s own CPU time)', async () => {
    const panel = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await panel.goto(server.panelUrl);
    const phones = [
      await openCameraPage(browser, server.url, { transform: 'none' }),
      await openCameraPage(browser, server.url, { transform: 'none' }),
    ];
    try {
      await panel.waitForFunction(() => document.querySelectorAll('.camera .graph[data-graph="fps"]').length === 2);
      await sleep(3000);
      const cdp = await panel.context().newCDPSession(panel);
      await cdp.send('Performance.enable');
      const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      const start = await metrics();
      await sleep(15_000);
      const end = await metrics();
      const wall = end.Timestamp! - start.Timestamp!;
      const mainThread = (end.ThreadTime! - start.ThreadTime!) / wall;
      const process = (end.ProcessTime! - start.ProcessTime!) / wall;
      const script = (end.ScriptDuration! - start.ScriptDuration!) / wall;
      console.log(
        `panel with 2 cameras' graphs (and a preview): main thread ${(mainThread * 100).toFixed(1)} % of a core, scripts ${(script * 100).toFixed(1)} %, renderer process ${(process * 100).toFixed(1)} % (with video decoding), over ${wall.toFixed(1)} s`,
      );
      assert.ok(mainThread < 0.05, `main thread ${(mainThread * 100).toFixed(1)} % of a core`);
      // The same panel with its graphs out of the page: the difference is what drawing them costs (raster included).
      await panel.evaluate(() => {
        for (const graph of document.querySelectorAll<HTMLElement>('.graph')) graph.style.setProperty('display', 'none', 'important');
      });
      await sleep(1000);
      const hiddenStart = await metrics();
      await sleep(15_000);
      const hiddenEnd = await metrics();
      const without = (hiddenEnd.ProcessTime! - hiddenStart.ProcessTime!) / (hiddenEnd.Timestamp! - hiddenStart.Timestamp!);
      console.log(
        `renderer process without the graphs shown: ${(without * 100).toFixed(1)} % (graphs: ${((process - without) * 100).toFixed(1)} %)`,
      );
    } finally {
      await Promise.all([panel.close(), ...phones.map((p) => p.close())]);
      await server.sessions.closeAll();
    }
  });

  it("the phone's stats overlay shows its call's figures (the same the panel graphs)", async () => {
    const phone = await openCameraPage(browser, server.url, { transform: 'edges' });
    try {
      assert.ok(await phone.isHidden('#stats'));
      await phone.click('#stats-toggle');
      await phone.waitForFunction(
        () => /Frames\/s in: [1-9][\d.]* fps/.test(document.querySelector('#stats [data-figure="fpsIn"]')?.textContent ?? ''),
        null,
        {
          timeout: 10_000,
        },
      );
      const rows = await phone.$$eval('#stats [data-figure]', (elements) => elements.map((e) => (e as HTMLElement).dataset.figure));
      assert.deepEqual(rows, ['fpsIn', 'fpsOut', 'bpsIn', 'bpsOut', 'msPerFrame', 'rttMs', 'lossInPct', 'lossOutPct']);
      const shown = Number((await phone.textContent('#stats [data-figure="fpsIn"]'))!.match(/([\d.]+) fps/)![1]);
      const core = server.sessions.list()[0]!.rates!.fpsIn;
      assert.ok(Math.abs(shown - core) < Math.max(3, core * 0.3), `overlay ${shown} fps, core ${core.toFixed(1)}`);
      await phone.click('#stats-toggle');
      assert.ok(await phone.isHidden('#stats'));
    } finally {
      await phone.close();
      await server.sessions.closeAll();
    }
  });
});
