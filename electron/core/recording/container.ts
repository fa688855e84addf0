import type { AudioCodecName } from '../media/codecs.js';
import type { VideoCodecName } from '../media/codecs.js';

/** Which codecs each container can hold (as FFmpeg's muxers write them). */
const FITS: Record<string, { video: VideoCodecName[]; audio: AudioCodecName[] }> = {
  '.webm': { video: ['vp8'], audio: ['opus'] },
  '.mp4': { video: ['h264'], audio: ['opus'] },
  '.mkv': { video: ['vp8', 'h264'], audio: ['opus', 'pcmu', 'pcma'] },
};

/**
 * The file a recording goes to: the one asked for, or the same name with .mkv when the camera's
 * codecs do not fit its container (a browser may send H.264 to a .webm recording). Nothing is
 * transcoded: what comes in is what is stored.
 */
export function chooseRecordingPath(requested: string, video: VideoCodecName, audio?: AudioCodecName): string {
  const extension = requested.slice(requested.lastIndexOf('.')).toLowerCase();
  const fits = FITS[extension];
  if (fits && fits.video.includes(video) && (!audio || fits.audio.includes(audio))) return requested;
  return `${requested.slice(0, requested.length - extension.length)}.mkv`;
}

/** FILE, then FILE-2, FILE-3... for the sessions that follow (one recording per camera). */
export class Recordings {
  private count = 0;

  constructor(private readonly base: string) {}

  next(): string {
    this.count++;
    if (this.count === 1) return this.base;
    const dot = this.base.lastIndexOf('.');
    return `${this.base.slice(0, dot)}-${this.count}${this.base.slice(dot)}`;
  }
}
