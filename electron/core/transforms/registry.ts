import { background } from './background.js';
import { blur } from './blur.js';
import { cartoon } from './cartoon.js';
import { edges } from './edges.js';
import { face } from './face.js';
import { faces } from './faces.js';
import { grayscale } from './grayscale.js';
import { hands } from './hands.js';
import { invert } from './invert.js';
import { mirror } from './mirror.js';
import { motion } from './motion.js';
import { none } from './none.js';
import { objects } from './objects.js';
import { overlay } from './overlay.js';
import { pixelate } from './pixelate.js';
import { pixelateBoxes } from './pixelate-boxes.js';
import { pose } from './pose.js';
import { rotate } from './rotate.js';
import { sepia } from './sepia.js';
import { sketch } from './sketch.js';
import type { ParamSpec, Transform, TransformKind } from './types.js';

const builtins: Transform[] = [
  none,
  edges,
  cartoon,
  rotate,
  grayscale,
  blur,
  pixelate,
  sepia,
  invert,
  mirror,
  sketch,
  faces,
  pixelateBoxes,
  motion,
  overlay,
  background,
  face,
  pose,
  hands,
  objects,
];
const builtinIds = new Set(builtins.map((t) => t.id));

/** User plugins loaded in this thread (see plugins.ts); replaced as a whole on each reload. */
let plugins: Transform[] = [];

export function setPluginTransforms(list: Transform[]): void {
  plugins = list.filter((t) => !builtinIds.has(t.id));
}

export function isBuiltin(id: string): boolean {
  return builtinIds.has(id);
}

export function listTransforms(): Transform[] {
  return [...builtins, ...plugins];
}

export function findTransform(id: string): Transform | undefined {
  return builtins.find((t) => t.id === id) ?? plugins.find((t) => t.id === id);
}

/** What the API and UIs see of a transform: everything but its code. */
export interface TransformInfo {
  id: string;
  label: string;
  params: ParamSpec[];
  plugin: boolean;
  /** 'apply' rewrites each frame; 'detect' finds things beside the frame's path, and CamLoop draws them. */
  kind: TransformKind;
  /** Why it cannot run (a built-in model whose files are missing or damaged); absent when it can. */
  error?: string;
}

/** `trouble`: why a transform cannot run, if it cannot (the model files' check at start). */
export function describeTransforms(trouble: (transform: Transform) => string | undefined = () => undefined): TransformInfo[] {
  return listTransforms().map((transform) => {
    const { id, label, params, kind } = transform;
    const error = trouble(transform);
    return { id, label, params, plugin: !builtinIds.has(id), kind: kind ?? 'apply', ...(error && { error }) };
  });
}
