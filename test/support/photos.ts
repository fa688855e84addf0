import { fileURLToPath } from 'node:url';
import { Decoder, Demuxer } from 'node-av/api';
import { SoftwareScaleContext } from 'node-av/lib';
import { AV_PIX_FMT_RGBA, SWS_BILINEAR, type AVPixelFormat } from 'node-av/constants';

/** The photographs the model tests use (test/fixtures/photos/SOURCES.md: where from, licences). */
export const PHOTOS = {
  /** Eileen Collins, 512x512: her face at about (178, 70) 110x120, her shoulders below it. */
  astronaut: 'astronaut.jpg',
  /** An open hand on grey, 640x480: fingers to the right, thumb up. */
  hand: 'hand.jpg',
} as const;

export function photoPath(name: keyof typeof PHOTOS): string {
  return fileURLToPath(new URL(`../../../test/fixtures/photos/${PHOTOS[name]}`, import.meta.url));
}

/** A photograph decoded by FFmpeg to RGBA (rows packed), at its own size or scaled to `size`. */
export function decodePhoto(name: keyof typeof PHOTOS, size?: { width: number; height: number }) {
  const input = Demuxer.openSync(photoPath(name));
  try {
    const stream = input.video()!;
    const decoder = Decoder.createSync(stream);
    try {
      for (const frame of decoder.framesSync(input.packetsSync(stream.index))) {
        if (!frame) continue;
        const { width, height } = size ?? frame;
        const data = new Uint8Array(width * height * 4);
        const scaler = new SoftwareScaleContext();
        scaler.getContext(frame.width, frame.height, frame.format as AVPixelFormat, width, height, AV_PIX_FMT_RGBA, SWS_BILINEAR);
        scaler.scaleSync(frame.data!, frame.linesize, 0, frame.height, [Buffer.from(data.buffer)], [width * 4]);
        scaler.freeContext();
        frame.free();
        return { width, height, data };
      }
      throw new Error(`${name}: no picture`);
    } finally {
      decoder.close();
    }
  } finally {
    input.closeSync();
  }
}
