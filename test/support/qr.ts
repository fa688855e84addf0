import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsqr = createRequire(import.meta.url)('jsqr') as Decode | { default: Decode };
const jsQR: Decode = typeof jsqr === 'function' ? jsqr : jsqr.default;

/** Decodes the panel's QR code image in the page (canvas) and jsQR (here). */
export async function readQr(panel: Page): Promise<string | undefined> {
  const image = await panel.evaluate(async () => {
    const img = document.getElementById('qr') as HTMLImageElement;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 400;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 400, 400);
    ctx.drawImage(img, 20, 20, 360, 360);
    return Array.from(ctx.getImageData(0, 0, 400, 400).data);
  });
  return jsQR(Uint8ClampedArray.from(image), 400, 400)?.data;
}
