import { networkInterfaces } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { invertedThumb, openCameraPage, sampleUntil, thumbDifference, waitForFrames } from '../support/browser.js';
import { readQr } from '../support/qr.js';
import { chromiumPath } from './targets.js';

/** The phone URL in the panel's QR code: this machine's address, the panel's port, a pairing token. */
export async function pairingUrl(panel: Page): Promise<URL> {
  await panel.waitForFunction(() => (document.getElementById('qr') as HTMLImageElement | null)?.src.startsWith('data:image/svg'), null, {
    timeout: 20_000,
  });
  const text = await readQr(panel);
  if (!text) throw new Error('the QR code in the panel does not decode');
  const url = new URL(text);
  const ours = Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((a) => a.address));
  if (!ours.includes(url.hostname))
    throw new Error(`the QR code names ${url.hostname}, not an address of this machine (${ours.join(', ')})`);
  if (url.port !== new URL(panel.url()).port)
    throw new Error(`the QR code names port ${url.port}, the panel is on ${new URL(panel.url()).port}`);
  if (!url.searchParams.get('t')) throw new Error(`the QR code's URL has no pairing token: ${text}`);
  return url;
}

/** A phone: Chromium with a fake camera of known pictures. */
export function launchPhone(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--ignore-certificate-errors',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-timer-throttling',
    ],
  });
}

/**
 * A call with the 'invert' filter, opened with the QR code's pairing token (on loopback, which
 * reaches the app wherever the runner's network stands): the frames that come back must be the
 * camera's own, inverted.
 */
export async function invertedCall(phone: Browser, pairing: URL, panel: Page): Promise<string> {
  const url = new URL(`${pairing.pathname}${pairing.search}`, new URL(panel.url()).origin);
  const page = await openCameraPage(phone, url.href, { transform: 'invert' });
  try {
    const frames = await waitForFrames(page, 30);
    const [out, source] = await sampleUntil(page, (o, s) => thumbDifference(o, invertedThumb(s)) < 30, 15_000);
    const inverted = thumbDifference(out, invertedThumb(source));
    const unchanged = thumbDifference(out, source);
    if (!(inverted < 30 && unchanged > 2 * inverted))
      throw new Error(
        `the returned frames are not the camera's inverted: ${inverted.toFixed(1)} from inverted, ${unchanged.toFixed(1)} from the original`,
      );
    return `${frames} frames back, ${inverted.toFixed(1)} from the inverted picture (${unchanged.toFixed(1)} from the original)`;
  } finally {
    await page.close();
  }
}
