import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { installFakeCamera } from './fake-camera.js';
import { installFrameProbe, type FrameSample, type ProbeState } from './frame-probe.js';
import type { Host } from './netns.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless. A missing browser is an error, never a skip. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch(launchOptions(extraArgs));
}

/** Chromium on a host of a test network (in its namespace). */
export async function launchBrowserOn(host: Host): Promise<Browser> {
  const options = launchOptions([]);
  return chromium.launch({ ...options, executablePath: await host.wrapper(options.executablePath) });
}

/** A Chromium whose process a test can kill (SIGKILL: no BYE, no DTLS close_notify), and a Browser driving it. */
export async function launchKillableBrowser(): Promise<{ browser: Browser; kill: () => Promise<void> }> {
  const server = await chromium.launchServer(launchOptions([]));
  const browser = await chromium.connect(server.wsEndpoint());
  return { browser, kill: () => server.kill() };
}

function launchOptions(extraArgs: string[]) {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run 'apt-get install -y chromium' (see .ci/run)`);
  return {
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      ...extraArgs,
    ],
  };
}

export interface CameraOptions {
  width?: number;
  height?: number;
  codec?: 'default' | 'VP8' | 'H264';
  transform?: string;
  /** Use Chromium's built-in fake device instead of the known-content canvas. */
  builtinFakeDevice?: boolean;
}

/** Opens CamLoop's camera page with a fake camera, starts it, and resolves once connected. */
export async function openCameraPage(browser: Browser, url: string, options: CameraOptions = {}): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
  if (!options.builtinFakeDevice) await page.addInitScript(installFakeCamera);
  await page.addInitScript(recordPeerConnections);
  await page.goto(url);
  await page.waitForFunction(() => (document.getElementById('transform') as HTMLSelectElement).options.length > 0);
  await page.selectOption('#resolution', `${options.width ?? 640}x${options.height ?? 480}`);
  await page.selectOption('#codec', options.codec ?? 'default');
  await page.selectOption('#transform', options.transform ?? 'none');
  await startCamera(page);
  return page;
}

/** Clicks Start on an opened camera page, waits until it is connected, then probes both videos. */
export async function startCamera(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.click('#start');
  await page.waitForFunction(() => ['connected', 'failed'].includes(document.body.dataset.state ?? ''), null, { timeout: timeoutMs });
  const state = await page.evaluate(() => `${document.body.dataset.state}: ${document.getElementById('status')!.textContent}`);
  if (!state.startsWith('connected')) throw new Error(`camera page did not connect (${state})`);
  await page.evaluate(installFrameProbe, '#remote');
  await page.evaluate(installFrameProbe, '#local');
}

/** When a recorded peer connection got its answer and when ICE connected (performance.now(), 0: not yet). */
export interface PeerTimeline {
  answeredAt: number;
  iceConnectedAt: number;
}

/**
 * Runs in the page: keeps every RTCPeerConnection the page makes in window.peerConnections (for
 * getStats), each with its `timeline`.
 */
export function recordPeerConnections(): void {
  const Original = window.RTCPeerConnection;
  const peers: RTCPeerConnection[] = [];
  (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = peers;
  window.RTCPeerConnection = class extends Original {
    readonly timeline: PeerTimeline = { answeredAt: 0, iceConnectedAt: 0 };
    constructor(config?: RTCConfiguration) {
      super(config);
      peers.push(this);
      this.addEventListener('iceconnectionstatechange', () => {
        if (/connected|completed/.test(this.iceConnectionState) && !this.timeline.iceConnectedAt)
          this.timeline.iceConnectedAt = performance.now();
      });
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (description.type === 'answer') this.timeline.answeredAt = performance.now();
      return super.setRemoteDescription(description);
    }
  };
}

export type RtpStats = Record<string, number>;

/** The video inbound-rtp and outbound-rtp stats of the page's newest peer connection (empty when absent). */
export function videoRtpStats(page: Page): Promise<{ inbound: RtpStats; outbound: RtpStats }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.at(-1)!;
    const out = { inbound: {}, outbound: {} };
    for (const stat of (await pc.getStats()).values()) {
      if (stat.kind !== 'video') continue;
      if (stat.type === 'inbound-rtp') out.inbound = stat;
      if (stat.type === 'outbound-rtp') out.outbound = stat;
    }
    return out;
  });
}

/** Bytes of video received so far by the page's newest peer connection. */
export async function videoBytesReceived(page: Page): Promise<number> {
  return (await videoRtpStats(page)).inbound.bytesReceived ?? 0;
}

export function probe(page: Page, selector = '#remote'): Promise<ProbeState> {
  return page.evaluate((s) => (window as unknown as { probes: Record<string, ProbeState> }).probes[s], selector);
}

/** Frames a second the page shows over the next `ms`. */
export async function fpsBack(page: Page, ms: number, selector = '#remote'): Promise<number> {
  const before = (await probe(page, selector)).frames;
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (((await probe(page, selector)).frames - before) * 1000) / (Date.now() - start);
}

export async function waitForFrames(page: Page, count: number, selector = '#remote', timeoutMs = 30_000): Promise<number> {
  const start = (await probe(page, selector)).frames;
  await page.waitForFunction(
    ([s, target]) => (window as unknown as { probes: Record<string, ProbeState> }).probes[s as string].frames >= (target as number),
    [selector, start + count] as const,
    { timeout: timeoutMs, polling: 100 },
  );
  return (await probe(page, selector)).frames;
}

export function sample(page: Page, selector = '#remote'): Promise<FrameSample> {
  return page.evaluate((s) => (window as unknown as { sampleVideo: (s: string) => FrameSample }).sampleVideo(s), selector);
}

/** Samples the returned video and the sent one until `test` holds or `timeoutMs` passes; returns the last pair. */
export async function sampleUntil(
  page: Page,
  test: (out: FrameSample, source: FrameSample) => boolean,
  timeoutMs: number,
): Promise<[FrameSample, FrameSample]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pair = await Promise.all([sample(page), sample(page, '#local')]);
    if (test(...pair) || Date.now() > deadline) return pair;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The sent picture's thumbnail inverted (255 - luma): what an inverting filter must return. */
export function invertedThumb(source: FrameSample): FrameSample {
  return { ...source, thumb: source.thumb.map((v) => 255 - v) };
}

/** Mean absolute difference of two luma thumbnails (0-255). */
export function thumbDifference(a: FrameSample, b: FrameSample): number {
  return a.thumb.reduce((sum, v, i) => sum + Math.abs(v - b.thumb[i]), 0) / a.thumb.length;
}
