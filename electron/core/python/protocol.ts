import { MAX_MASK_PIXELS, MAX_RESULT_JSON_BYTES } from '../transforms/detect-filter.js';

/**
 * The framed protocol between CamLoop and a Python filter process (python/camloop_host.py is its
 * twin). Each message: a fixed little-endian header, then `jsonLength` bytes of UTF-8 JSON, then
 * `payloadLength` bytes of pixels (BGR24 rows packed; a detect() answer's mask: one byte a pixel).
 */
export const MAGIC = 0x5950_4c43; // 'CLPY' read as a little-endian u32
export const VERSION = 1;
export const HEADER_BYTES = 36;

export const Kind = { frame: 1, ready: 2, result: 3, error: 4, fatal: 5 } as const;
export type KindName = keyof typeof Kind;
export const Format = { none: 0, bgr24: 1, mask8: 2 } as const;

export interface Header {
  kind: number;
  format: number;
  width: number;
  height: number;
  sequence: number;
  /** Seconds of stream time. */
  timestamp: number;
  jsonLength: number;
  payloadLength: number;
}

export interface Message {
  header: Header;
  /** The JSON part, parsed (undefined when there was none). */
  info?: Record<string, unknown>;
  /** The pixels (a view into the reader's buffer, valid until the next push). */
  payload: Buffer;
  /** Set when the message was over the reader's limits: its bytes were skipped, never held, and this says why. */
  refused?: string;
}

export function encodeHeader(header: Header): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt8(VERSION, 4);
  out.writeUInt8(header.kind, 5);
  out.writeUInt8(header.format, 6);
  out.writeUInt8(0, 7);
  out.writeUInt32LE(header.width, 8);
  out.writeUInt32LE(header.height, 12);
  out.writeUInt32LE(header.sequence >>> 0, 16);
  out.writeDoubleLE(header.timestamp, 20);
  out.writeUInt32LE(header.jsonLength, 28);
  out.writeUInt32LE(header.payloadLength, 32);
  return out;
}

export function decodeHeader(bytes: Buffer): Header {
  if (bytes.readUInt32LE(0) !== MAGIC) throw new Error(`not a CamLoop filter message (magic ${bytes.subarray(0, 4).toString('hex')})`);
  if (bytes.readUInt8(4) !== VERSION) throw new Error(`protocol version ${bytes.readUInt8(4)}, expected ${VERSION}`);
  return {
    kind: bytes.readUInt8(5),
    format: bytes.readUInt8(6),
    width: bytes.readUInt32LE(8),
    height: bytes.readUInt32LE(12),
    sequence: bytes.readUInt32LE(16),
    timestamp: bytes.readDoubleLE(20),
    jsonLength: bytes.readUInt32LE(28),
    payloadLength: bytes.readUInt32LE(32),
  };
}

/** The most a message may carry: a 4K BGR frame and 16 MB of JSON. Larger means a broken stream. */
const MAX_MESSAGE_BYTES = 3840 * 2160 * 3 + (16 << 20);
/** What a message may carry and be read: larger ones are skipped (refused), not buffered. */
const LIMITS = { json: MAX_RESULT_JSON_BYTES, pixels: 3840 * 2160 * 3, mask: MAX_MASK_PIXELS };

/**
 * Cuts a byte stream (chunks as the pipe delivers them) into messages. Pixels are gathered into one
 * buffer kept across messages of the same size, so a steady stream of frames allocates nothing.
 */
export class MessageReader {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private current?: Header;
  private body = Buffer.alloc(0);
  private bodyFill = 0;
  /** Why the current message is being skipped, if it is. */
  private refusal?: string;

  /** Feeds a chunk; returns the messages it completed. Throws on a corrupt stream. */
  push(chunk: Buffer): Message[] {
    const messages: Message[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < HEADER_BYTES) break;
        this.current = decodeHeader(this.header);
        const total = this.current.jsonLength + this.current.payloadLength;
        if (total > MAX_MESSAGE_BYTES) throw new Error(`message of ${total} bytes: too large`);
        this.refusal = refusal(this.current);
        if (!this.refusal && this.body.length !== total) this.body = Buffer.alloc(total);
        this.bodyFill = 0;
      }
      const header = this.current;
      const total = header.jsonLength + header.payloadLength;
      const take = Math.min(total - this.bodyFill, chunk.length - offset);
      if (!this.refusal) chunk.copy(this.body, this.bodyFill, offset, offset + take);
      this.bodyFill += take;
      offset += take;
      if (this.bodyFill < total) break;
      if (this.refusal) messages.push({ header, payload: Buffer.alloc(0), refused: this.refusal });
      else {
        const json = header.jsonLength
          ? (JSON.parse(this.body.toString('utf8', 0, header.jsonLength)) as Record<string, unknown>)
          : undefined;
        messages.push({ header, info: json, payload: this.body.subarray(header.jsonLength, total) });
      }
      this.current = undefined;
      this.headerFill = 0;
      // Another message follows in this chunk: it must not overwrite the one just handed out.
      if (offset < chunk.length) this.body = Buffer.alloc(0);
    }
    return messages;
  }
}

/** Why a message is too large to be read (undefined: it is not). */
function refusal(header: Header): string | undefined {
  const mb = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (header.jsonLength > LIMITS.json) return `results of ${mb(header.jsonLength)} of JSON: at most ${mb(LIMITS.json)}`;
  if (header.format === Format.mask8 && header.payloadLength > LIMITS.mask)
    return `a mask of ${header.width}x${header.height}: at most ${LIMITS.mask} pixels (scale it down: it is scaled to the picture anyway)`;
  if (header.payloadLength > LIMITS.pixels) return `${mb(header.payloadLength)} of pixels: more than a 4K frame`;
  return undefined;
}
