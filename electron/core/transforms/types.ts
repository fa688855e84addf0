import type { NativeForm } from './graph-spec.js';
import type { OpenCV, Mat } from './opencv.js';

/** A control a UI can render: number slider, checkbox or dropdown. */
export type ParamSpec =
  | { name: string; label: string; type: 'number'; min: number; max: number; step: number; default: number }
  | { name: string; label: string; type: 'boolean'; default: boolean }
  | { name: string; label: string; type: 'choice'; choices: string[]; default: string };

export type ParamValues = Record<string, number | boolean | string>;

/**
 * One video frame as the transform sees it: a cv.Mat it rewrites in place, same size and type.
 * RGBA (CV_8UC4) by default; the luma plane alone (CV_8UC1) for transforms with `input: 'gray'`;
 * for `input: 'yuv'` the luma plane plus `chroma`; BGR (CV_8UC3) for `input: 'bgr'`.
 */
export interface Frame {
  image: Mat;
  /** `input: 'yuv'` only: the U and V planes (CV_8UC1, half the width and height), rewritten in place too. */
  chroma?: [Mat, Mat];
  width: number;
  height: number;
  /** Seconds since the stream started (from RTP timestamps, not the wall clock). */
  time: number;
}

/** What a transform found in a frame (counts, boxes...): JSON-serialisable, sent to the API and the phone. */
export type TransformResult = Record<string, unknown>;

export interface TransformInstance {
  /** May answer later (a Python filter): the pipeline then waits, and drops to the newest frame meanwhile. */
  apply(frame: Frame, params: ParamValues): TransformResult | void | Promise<TransformResult | void>;
  /** Frees every Mat the instance allocated. */
  dispose(): void;
}

export type TransformInput = 'rgba' | 'gray' | 'yuv' | 'bgr';

/** 'apply' rewrites the frame on its path; 'detect' returns results only, beside the path (docs/detect.md). */
export type TransformKind = 'apply' | 'detect';

export interface Transform {
  id: string;
  label: string;
  params: ParamSpec[];
  /** Unset: 'apply'. A 'detect' filter is made by detectTransform() (detect-filter.ts). */
  kind?: TransformKind;
  /** A detect filter's: where its detect() runs. */
  detector?: DetectorSpec;
  /** True when apply() leaves every pixel as it was: the pipeline can skip decoding and re-encoding. */
  identity?: boolean;
  /**
   * 'gray': the transform works on luma only and its output is grey. The pipeline then hands it the
   * decoded Y plane directly, skipping two colour conversions per frame.
   * 'yuv': the transform moves pixels without looking at their colour (rotate, flip...) and is
   * applied to each decoded plane (Y, U, V) as it is: no colour conversion at all.
   * 'bgr': a CV_8UC3 BGR picture (cv2's convention), what Python filters get.
   */
  input?: TransformInput;
  /**
   * Set when the transform means the same at any picture size (edges, rotate, sepia...): the
   * pipeline may then hand it the picture at the size it will be encoded at (smaller than the
   * camera's when the link cannot carry that at full frame rate) and at most this many pixels wide
   * (Infinity: no limit of its own), and scales the result to the encoded size. Crisper than a
   * full-size result scaled down (an edge map's 1-pixel lines stay lines), and cheaper. Unset
   * (sizes in pixels matter: blur's kernel, faces, overlays; Python filters): the camera's size.
   */
  workWidth?: number;
  /** The same operation as an FFmpeg filter graph on the decoded planes: run instead of create()'s (see graph-spec.ts). */
  native?: NativeForm;
  /** `host`: the codec worker's services to stages (detect runners, what detect stages found); absent elsewhere. */
  create(cv: OpenCV, host?: StageHost): TransformInstance;
}

/** How a detect filter's runner starts, beside the codec worker (docs/detect.md). */
export type DetectorSpec =
  /** A .py file defining detect(image, params): a Python process of its own. */
  | { runtime: 'python'; file: string; python: string }
  /** A module whose export `exportName` is {create(cv) -> {detect(frame, params), dispose()}}: a thread of its own. */
  | { runtime: 'js'; module: string; exportName: string }
  /** A built-in model, run by the model worker that every camera of the process shares (electron/core/models/). */
  | { runtime: 'model'; task: ModelTask };

/** The built-in models (models/manifest.json names their files). */
export const MODEL_TASKS = ['segmentation', 'face', 'pose', 'hands', 'objects'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the codec worker offers the stages it makes (worker/detect-host.ts). */
export interface StageHost {
  /** The stage of a detect filter: its runner beside the worker, its latest results drawn on each frame. */
  detectStage(id: string, detector: DetectorSpec): TransformInstance;
  /** The boxes the last detect stage drew (none once they have faded), in pixels of a `width` x `height` picture. */
  boxes(width: number, height: number): Rect[];
}

/** Resolved params: defaults overlaid with the caller's values. */
export function withDefaults(specs: ParamSpec[], values: ParamValues = {}): ParamValues {
  const out: ParamValues = {};
  for (const spec of specs) out[spec.name] = values[spec.name] ?? spec.default;
  return out;
}
