import { Codec, CodecContext, Rational } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P } from 'node-av/constants';
import { VIDEO_CODECS, type VideoCodecName } from '../media/codecs.js';

const CLOCK_RATE = 90000;

function check(ret: number, what: string): void {
  if (ret < 0) throw new Error(`${what} failed (${ret})`);
}

/**
 * A single-threaded decoder: frame threading would hold frames back and add latency. FFmpeg refuses
 * a picture over `maxPixels` when it reads its header, before allocating for it.
 */
export function openDecoder(codec: VideoCodecName, maxPixels: number): CodecContext {
  const decoder = Codec.findDecoder(VIDEO_CODECS[codec].avCodecId);
  if (!decoder) throw new Error(`no ${codec} decoder in this FFmpeg build`);
  const ctx = new CodecContext();
  ctx.allocContext3(decoder);
  ctx.threadCount = 1;
  ctx.pktTimebase = new Rational(1, CLOCK_RATE);
  check(ctx.setOption('max_pixels', String(maxPixels)), `${codec} option max_pixels`);
  // Options one by one: a Dictionary passed to open2Sync segfaults in node-av 6.
  check(ctx.open2Sync(decoder, null), `open ${codec} decoder`);
  return ctx;
}

export interface EncoderSettings {
  width: number;
  height: number;
  bitrate: number;
}

/**
 * A real-time encoder: no lookahead, no B-frames, keyframes on demand (PLI) plus a safety GOP. Never
 * over `maxPixels`: opening libvpx at a huge size takes seconds under FFmpeg's process-wide lock.
 */
export function openEncoder(codec: VideoCodecName, { width, height, bitrate }: EncoderSettings, maxPixels = Infinity): CodecContext {
  if (width * height > maxPixels) throw new Error(`refusing to open a ${codec} encoder at ${width}x${height}: over ${maxPixels} pixels`);
  const encoder = Codec.findEncoderByName(VIDEO_CODECS[codec].encoder);
  if (!encoder) throw new Error(`no ${codec} encoder in this FFmpeg build`);
  const ctx = new CodecContext();
  ctx.allocContext3(encoder);
  ctx.width = width;
  ctx.height = height;
  ctx.pixelFormat = AV_PIX_FMT_YUV420P;
  ctx.timeBase = new Rational(1, CLOCK_RATE);
  ctx.framerate = new Rational(30, 1);
  ctx.bitRate = BigInt(bitrate);
  ctx.gopSize = 300;
  ctx.maxBFrames = 0;
  // One thread: a second libvpx thread costs more CPU per frame for almost no wall-clock gain, and
  // other cores serve other cameras (see docs/decisions.md, node-av).
  ctx.threadCount = 1;
  const options: Record<string, string> = VIDEO_CODECS[codec].encoderOptions;
  for (const [name, value] of Object.entries(options)) check(ctx.setOption(name, value), `${codec} option ${name}=${value}`);
  check(ctx.open2Sync(encoder, null), `open ${codec} encoder ${width}x${height}`);
  return ctx;
}
