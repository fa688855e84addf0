import { MAX_MASK_PIXELS } from '../transforms/detect-filter.js';

/**
 * The drawable schema a detect() returns (docs/detect.md), checked strictly: what is drawn on every
 * frame must never be a NaN, a string where a number goes, or a million points. Any other key is
 * the user's own and passes through untouched.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  label?: string;
  score?: number;
  id?: string | number;
}
export interface Point {
  x: number;
  y: number;
  label?: string;
}
export interface Label {
  x: number;
  y: number;
  text: string;
}
export type XY = [number, number];
/** A per-pixel weight of the foreground (255: all of it), HxW, any size: it is scaled to the picture. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Detection {
  boxes: Box[];
  points: Point[];
  /** Index pairs into `points`: a skeleton. */
  edges: [number, number][];
  lines: XY[][];
  polygons: XY[][];
  text: Label[];
  mask?: Mask;
}

/** What a runner hands back, before it is checked: the JSON results, and a mask that came as binary. */
export interface RawDetection {
  results: unknown;
  mask?: Mask;
}

const MAX_ITEMS = { boxes: 2000, points: 20_000, vertices: 50_000, text: 500 };
const MAX_TEXT = 200;

/** A result that breaks the schema: the message says where and what. */
export class SchemaError extends Error {}

/**
 * Checks `raw` against the schema for a picture of `width` x `height`; returns what to draw and the
 * results as the stream shows them (the mask as its size only). Throws SchemaError.
 */
export function checkDetection(
  raw: RawDetection,
  width: number,
  height: number,
): { detection: Detection; results: Record<string, unknown> } {
  const results = raw.results ?? {};
  if (typeof results !== 'object' || Array.isArray(results))
    throw new SchemaError(`detect() must return a dict/object (got ${kind(results)})`);
  const r = results as Record<string, unknown>;
  // Coordinates a little off the picture are fine (a face half out of view); far off is a bug.
  const span = 4 * Math.max(width, height);
  const coord = (value: unknown, where: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new SchemaError(`${where} is ${describe(value)}: coordinates must be finite numbers (pixels of the picture given)`);
    if (Math.abs(value) > span) throw new SchemaError(`${where} is ${value}: far outside the ${width}x${height} picture it was given`);
    return value;
  };
  const list = (key: string, max: number): unknown[] => {
    const value = r[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new SchemaError(`${key} must be a list (got ${kind(value)})`);
    if (value.length > max) throw new SchemaError(`${key} has ${value.length} items: at most ${max}`);
    return value;
  };
  const object = (value: unknown, where: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new SchemaError(`${where} must be a dict/object (got ${kind(value)})`);
    return value as Record<string, unknown>;
  };
  const text = (value: unknown, where: string, optional = true) => {
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string') throw new SchemaError(`${where} must be a string (got ${kind(value)})`);
    return value.slice(0, MAX_TEXT);
  };
  const boxes = list('boxes', MAX_ITEMS.boxes).map((item, i): Box => {
    const b = object(item, `boxes[${i}]`);
    const box: Box = { x: coord(b.x, `boxes[${i}].x`), y: coord(b.y, `boxes[${i}].y`), width: 0, height: 0 };
    box.width = coord(b.width, `boxes[${i}].width`);
    box.height = coord(b.height, `boxes[${i}].height`);
    if (box.width < 0 || box.height < 0) throw new SchemaError(`boxes[${i}] has a negative width or height`);
    const label = text(b.label, `boxes[${i}].label`);
    if (label !== undefined) box.label = label;
    if (b.score !== undefined) {
      if (typeof b.score !== 'number' || !Number.isFinite(b.score))
        throw new SchemaError(`boxes[${i}].score is ${describe(b.score)}: a finite number`);
      box.score = b.score;
    }
    return box;
  });
  const points = list('points', MAX_ITEMS.points).map((item, i): Point => {
    const p = object(item, `points[${i}]`);
    const label = text(p.label, `points[${i}].label`);
    return { x: coord(p.x, `points[${i}].x`), y: coord(p.y, `points[${i}].y`), ...(label !== undefined && { label }) };
  });
  const edges = list('edges', MAX_ITEMS.points).map((item, i): [number, number] => {
    const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < points.length;
    if (!Array.isArray(item) || item.length !== 2 || !ok(item[0]) || !ok(item[1]))
      throw new SchemaError(`edges[${i}] must be a pair of indices into points (0-${points.length - 1})`);
    return [item[0] as number, item[1] as number];
  });
  let vertices = 0;
  const paths = (key: string, least: number) =>
    list(key, MAX_ITEMS.vertices).map((path, i): XY[] => {
      if (!Array.isArray(path) || path.length < least)
        throw new SchemaError(`${key}[${i}] must be a list of at least ${least} [x, y] pairs`);
      vertices += path.length;
      if (vertices > MAX_ITEMS.vertices) throw new SchemaError(`lines and polygons have more than ${MAX_ITEMS.vertices} points in all`);
      return path.map((xy, j) => {
        if (!Array.isArray(xy) || xy.length !== 2) throw new SchemaError(`${key}[${i}][${j}] must be an [x, y] pair`);
        return [coord(xy[0], `${key}[${i}][${j}][0]`), coord(xy[1], `${key}[${i}][${j}][1]`)];
      });
    });
  const lines = paths('lines', 2);
  const polygons = paths('polygons', 3);
  const labels = list('text', MAX_ITEMS.text).map((item, i): Label => {
    const t = object(item, `text[${i}]`);
    return { x: coord(t.x, `text[${i}].x`), y: coord(t.y, `text[${i}].y`), text: text(t.text, `text[${i}].text`, false)! };
  });
  const mask = raw.mask && checkMask(raw.mask);
  const shown = mask ? { ...r, mask: { width: mask.width, height: mask.height } } : r;
  return { detection: { boxes, points, edges, lines, polygons, text: labels, mask }, results: shown };
}

function checkMask(mask: Mask): Mask {
  const { width, height, data } = mask;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new SchemaError(`the mask is ${width}x${height}: it needs a size`);
  if (width * height > MAX_MASK_PIXELS)
    throw new SchemaError(
      `the mask is ${width}x${height}: at most ${MAX_MASK_PIXELS} pixels (scale it down: it is scaled to the picture anyway)`,
    );
  if (!(data instanceof Uint8Array) || data.length !== width * height)
    throw new SchemaError(`the mask must be ${width}x${height} uint8 values (got ${data?.length ?? 'no'} bytes)`);
  return mask;
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 20))}`;
  return kind(value);
}
