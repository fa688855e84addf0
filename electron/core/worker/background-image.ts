import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Decoder, Demuxer } from 'node-av/api';
import { SoftwareScaleContext } from 'node-av/lib';
import { AV_PIX_FMT_RGBA, SWS_BILINEAR, type AVPixelFormat } from 'node-av/constants';
import type { Mat, OpenCV } from '../transforms/opencv.js';

/** The picture a mask's 'image' effect puts behind the foreground: the first of these in the plugins folder. */
export const BACKGROUND_FILES = ['background.jpg', 'background.jpeg', 'background.png', 'background.webp'];

/**
 * The plugins folder's background picture, decoded once (FFmpeg: JPEG, PNG, WebP...) and kept as
 * RGBA at each size asked for (the size sent can change). No file, or one that does not decode:
 * undefined, and `trouble` says why (the effect then falls back to the colour).
 */
export class BackgroundImage {
  private scaled?: Mat;
  trouble?: string;

  constructor(
    private readonly cv: OpenCV,
    private readonly dir: string | undefined,
  ) {}

  at(width: number, height: number): Mat | undefined {
    if (this.scaled?.cols === width && this.scaled.rows === height) return this.scaled;
    this.scaled?.delete();
    this.scaled = undefined;
    const file = this.dir && BACKGROUND_FILES.map((name) => join(this.dir!, name)).find((path) => existsSync(path));
    if (!file) {
      this.trouble = `no ${BACKGROUND_FILES.slice(0, 3).join(' or ')} in the plugins folder: the background is the colour`;
      return undefined;
    }
    try {
      this.scaled = decode(this.cv, file, width, height);
      this.trouble = undefined;
    } catch (error) {
      this.trouble = `cannot read ${file}: ${(error as Error).message}; the background is the colour`;
    }
    return this.scaled;
  }

  dispose(): void {
    this.scaled?.delete();
  }
}

function decode(cv: OpenCV, file: string, width: number, height: number): Mat {
  const input = Demuxer.openSync(file);
  try {
    const stream = input.video();
    if (!stream) throw new Error('no picture in it');
    const decoder = Decoder.createSync(stream);
    try {
      for (const frame of decoder.framesSync(input.packetsSync(stream.index))) {
        if (!frame) continue;
        const mat = new cv.Mat(height, width, cv.CV_8UC4);
        const scaler = new SoftwareScaleContext();
        scaler.getContext(frame.width, frame.height, frame.format as AVPixelFormat, width, height, AV_PIX_FMT_RGBA, SWS_BILINEAR);
        const bytes: Uint8Array = mat.data;
        scaler.scaleSync(
          frame.data!,
          frame.linesize,
          0,
          frame.height,
          [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
          [width * 4],
        );
        scaler.freeContext();
        frame.free();
        return mat;
      }
      throw new Error('it decodes to no picture');
    } finally {
      decoder.close();
    }
  } finally {
    input.closeSync();
  }
}
