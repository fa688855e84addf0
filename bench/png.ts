import { deflateSync } from 'node:zlib';

/** A minimal RGB canvas and PNG writer (no dependency): enough for a line chart in a bench report. */
export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3).fill(255);
  }

  set(x: number, y: number, [r, g, b]: RGB): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels.set([r, g, b], (y * this.width + x) * 3);
  }

  /** A line `thick` pixels wide (Bresenham, widened). */
  line(x0: number, y0: number, x1: number, y1: number, colour: RGB, thick = 1): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) this.set(x + dx - (thick >> 1), y + dy - (thick >> 1), colour);
    }
  }

  /** Text in a 3x5 font, `scale` pixels a dot: digits and the few letters axis labels need. */
  text(x: number, y: number, text: string, colour: RGB, scale = 2): void {
    for (const [i, char] of [...text].entries()) {
      const glyph = FONT[char] ?? FONT['?']!;
      for (let row = 0; row < 5; row++)
        for (let col = 0; col < 3; col++)
          if (glyph[row]! & (4 >> col))
            for (let dx = 0; dx < scale; dx++)
              for (let dy = 0; dy < scale; dy++) this.set(x + (i * 4 + col) * scale + dx, y + row * scale + dy, colour);
    }
  }

  png(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++)
      Buffer.from(this.pixels.buffer, y * this.width * 3, this.width * 3).copy(raw, y * (this.width * 3 + 1) + 1);
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

export type RGB = [number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 3x5 glyphs, a row a number (bit 2 the left column). */
const FONT: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 2, 2],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2],
  ' ': [0, 0, 0, 0, 0],
  '-': [0, 0, 7, 0, 0],
  M: [5, 7, 7, 5, 5],
  B: [6, 5, 6, 5, 6],
  R: [6, 5, 6, 5, 5],
  S: [7, 4, 7, 1, 7],
  m: [0, 0, 7, 7, 5],
  i: [2, 0, 2, 2, 2],
  n: [0, 0, 6, 5, 5],
  h: [4, 4, 6, 5, 5],
  '?': [7, 1, 3, 0, 2],
};

/**
 * A line chart of `series` (y against x, one colour each) with gridlines and numbered axes, as PNG.
 * `yFrom`: the y axis starts there (default 0), so a flat line looks flat.
 */
export function lineChart(
  series: { points: [number, number][]; colour: RGB }[],
  { width = 900, height = 420, yFrom = 0, xLabel = '', yLabel = '' } = {},
): Buffer {
  const canvas = new Canvas(width, height);
  const [left, right, top, bottom] = [70, 20, 30, 50];
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map(([x]) => x), 1);
  const yMax = niceCeil(Math.max(...all.map(([, y]) => y), yFrom + 1));
  const px = (x: number) => left + (x / xMax) * (width - left - right);
  const py = (y: number) => height - bottom - ((y - yFrom) / (yMax - yFrom)) * (height - top - bottom);
  const grey: RGB = [220, 220, 220];
  const black: RGB = [40, 40, 40];
  for (let i = 0; i <= 5; i++) {
    const y = yFrom + ((yMax - yFrom) * i) / 5;
    canvas.line(left, py(y), width - right, py(y), grey);
    canvas.text(4, py(y) - 5, y.toFixed(0), black);
    const x = (xMax * i) / 5;
    canvas.line(px(x), top, px(x), height - bottom, grey);
    canvas.text(px(x) - 10, height - bottom + 8, x.toFixed(x < 10 ? 1 : 0), black);
  }
  canvas.line(left, top, left, height - bottom, black);
  canvas.line(left, height - bottom, width - right, height - bottom, black);
  canvas.text(width / 2 - 20, height - 20, xLabel, black);
  canvas.text(4, 8, yLabel, black);
  for (const { points, colour } of series)
    for (let i = 1; i < points.length; i++)
      canvas.line(px(points[i - 1]![0]), py(points[i - 1]![1]), px(points[i]![0]), py(points[i]![1]), colour, 2);
  return canvas.png();
}

function niceCeil(n: number): number {
  const step = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / step) * step;
}
