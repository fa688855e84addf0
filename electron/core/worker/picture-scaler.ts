import { SoftwareScaleContext } from 'node-av/lib';
import { AV_PIX_FMT_BGR24, AV_PIX_FMT_RGB24, AV_PIX_FMT_RGBA, SWS_AREA } from 'node-av/constants';
import type { Mat } from '../transforms/opencv.js';

const FORMATS = { rgb: [AV_PIX_FMT_RGB24, 3], bgr: [AV_PIX_FMT_BGR24, 3], rgba: [AV_PIX_FMT_RGBA, 4] } as const;

/**
 * An RGBA picture -> a packed copy at another size and pixel form, in one libswscale pass (native,
 * vectorised; area averaging, as a model's input wants): what a detect stage hands a runner that
 * asks for a size of its own (a model's input), so the frame crosses threads once, small.
 */
export class PictureScaler {
  private context?: { key: string; scaler: SoftwareScaleContext };

  /** A new buffer each call: it is transferred to the runner. */
  scale(image: Mat, width: number, height: number, format: keyof typeof FORMATS): Uint8Array {
    const [pixelFormat, bytes] = FORMATS[format];
    const key = `${image.cols}x${image.rows}>${width}x${height}:${format}`;
    if (this.context?.key !== key) {
      this.context?.scaler.freeContext();
      const scaler = new SoftwareScaleContext();
      scaler.getContext(image.cols, image.rows, AV_PIX_FMT_RGBA, width, height, pixelFormat, SWS_AREA);
      this.context = { key, scaler };
    }
    const out = new Uint8Array(width * height * bytes);
    const source: Uint8Array = image.data;
    const from = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    this.context.scaler.scaleSync([from], [image.cols * 4], 0, image.rows, [Buffer.from(out.buffer)], [width * bytes]);
    return out;
  }

  dispose(): void {
    this.context?.scaler.freeContext();
    this.context = undefined;
  }
}
