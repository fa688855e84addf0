import type { OpenCV, Mat } from './opencv.js';

/** A control a UI can render: number slider, checkbox or dropdown. */
export type ParamSpec =
  | { name: string; label: string; type: 'number'; min: number; max: number; step: number; default: number }
  | { name: string; label: string; type: 'boolean'; default: boolean }
  | { name: string; label: string; type: 'choice'; choices: string[]; default: string };

export type ParamValues = Record<string, number | boolean | string>;

/** One video frame as the transform sees it: an RGBA cv.Mat it may rewrite in place. */
export interface Frame {
  rgba: Mat;
  width: number;
  height: number;
  /** Seconds since the stream started (from RTP timestamps, not the wall clock). */
  time: number;
}

export interface TransformInstance {
  apply(frame: Frame, params: ParamValues): void;
  /** Frees every Mat the instance allocated. */
  dispose(): void;
}

export interface Transform {
  id: string;
  label: string;
  params: ParamSpec[];
  /** True when apply() leaves every pixel as it was: the pipeline can skip decoding and re-encoding. */
  identity?: boolean;
  create(cv: OpenCV): TransformInstance;
}

/** Resolved params: defaults overlaid with the caller's values. */
export function withDefaults(specs: ParamSpec[], values: ParamValues = {}): ParamValues {
  const out: ParamValues = {};
  for (const spec of specs) out[spec.name] = values[spec.name] ?? spec.default;
  return out;
}
