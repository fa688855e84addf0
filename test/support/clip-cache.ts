import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClip, type Clip, type ClipCodec } from './clip.js';

/** Encoded clips kept between runs (a 4K one takes seconds to make); never in the repository. */
export const CLIP_CACHE_DIR = join(tmpdir(), 'camloop-test-clips');

/**
 * makeClip's clip, from the cache when it was made before. Stored as each frame's length (4 bytes)
 * then its bytes; written under another name first, so a run killed midway leaves no half file.
 */
export function cachedClip(codec: ClipCodec, width: number, height: number, count: number, bitrate: number): Clip {
  const file = join(CLIP_CACHE_DIR, `${codec}-${width}x${height}-${count}f-${bitrate}.clip`);
  try {
    const data = readFileSync(file);
    const frames: Buffer[] = [];
    for (let at = 0; at < data.length; at += 4 + data.readUInt32BE(at)) frames.push(data.subarray(at + 4, at + 4 + data.readUInt32BE(at)));
    if (frames.length === count) return { frames, width, height };
  } catch {
    // Not made yet.
  }
  const clip = makeClip(codec, width, height, count, bitrate);
  mkdirSync(CLIP_CACHE_DIR, { recursive: true });
  const parts = clip.frames.flatMap((frame) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(frame.length);
    return [length, frame];
  });
  writeFileSync(`${file}.${process.pid}`, Buffer.concat(parts));
  renameSync(`${file}.${process.pid}`, file);
  return clip;
}
