import type { Browser, Page } from 'playwright-core';
import { installFakeCamera } from './fake-camera.js';
import { installFrameProbe, type ProbeState } from './frame-probe.js';

export interface AiortcClientOptions {
  video?: { transform: string; codec?: string; resolution?: string };
  audio?: { codec: string } | false;
  datachannel?: string | false;
  stun?: boolean;
}

/** Opens aiortc's unmodified example client (served by serveAiortcClient), sets its options, presses Start. */
export async function startAiortcClient(browser: Browser, url: string, options: AiortcClientOptions): Promise<Page> {
  const page = await browser.newPage();
  page.on('dialog', (dialog) => void dialog.dismiss());
  await page.addInitScript(installFakeCamera);
  await page.goto(url);
  await page.setChecked('#use-video', Boolean(options.video));
  if (options.video) {
    await page.selectOption('#video-resolution', options.video.resolution ?? '640x480');
    await page.selectOption('#video-transform', options.video.transform);
    await page.selectOption('#video-codec', options.video.codec ?? 'default');
  }
  await page.setChecked('#use-audio', Boolean(options.audio));
  if (options.audio) await page.selectOption('#audio-codec', options.audio.codec);
  await page.setChecked('#use-datachannel', Boolean(options.datachannel));
  if (options.datachannel) await page.selectOption('#datachannel-parameters', options.datachannel);
  await page.setChecked('#use-stun', Boolean(options.stun));
  await page.click('#start');
  return page;
}

/** Waits for the client's <video> to play and for `frames` processed frames to be presented. */
export async function waitForAiortcVideo(page: Page, frames: number): Promise<void> {
  await page.waitForFunction(() => (document.getElementById('video') as HTMLVideoElement).videoWidth > 0, null, { timeout: 20_000 });
  await page.evaluate(installFrameProbe, '#video');
  await page.waitForFunction((n) => (window as unknown as { probes: Record<string, ProbeState> }).probes['#video'].frames >= n, frames, {
    timeout: 20_000,
  });
}

/** The browser's view of the audio it receives (aiortc's client keeps its peer in a global `pc`). */
export function inboundAudio(page: Page): Promise<{ packetsReceived: number; totalAudioEnergy: number; codec?: string }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
    const report = await pc.getStats();
    for (const stat of report.values()) {
      if (stat.type === 'inbound-rtp' && stat.kind === 'audio') {
        const codec = stat.codecId ? (report.get(stat.codecId)?.mimeType as string | undefined) : undefined;
        return { packetsReceived: stat.packetsReceived ?? 0, totalAudioEnergy: stat.totalAudioEnergy ?? 0, codec };
      }
    }
    return { packetsReceived: 0, totalAudioEnergy: 0 };
  });
}
