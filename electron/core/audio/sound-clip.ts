import { readFileSync } from 'node:fs';
import { packagePath } from '../base/paths.js';

export const CLIP_RATE = 48_000;

/** The bundled chime (assets/sounds/chime.wav, CC0): 48 kHz mono 16-bit PCM samples. */
export function loadChime(): Int16Array {
  return readWavMono16(readFileSync(packagePath('assets/sounds/chime.wav')));
}

/** The samples of a canonical PCM WAV file (mono, 16-bit, 48 kHz: what we ship). */
export function readWavMono16(file: Buffer): Int16Array {
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let format: { channels: number; rate: number; bits: number } | undefined;
  for (let offset = 12; offset + 8 <= file.length;) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ')
      format = { channels: file.readUInt16LE(body + 2), rate: file.readUInt32LE(body + 4), bits: file.readUInt16LE(body + 14) };
    if (id === 'data') {
      if (!format || format.channels !== 1 || format.bits !== 16 || format.rate !== CLIP_RATE)
        throw new Error('expected 48 kHz mono 16-bit PCM');
      const bytes = file.subarray(body, body + size);
      return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}
