import type { DetectorSpec, ParamSpec, Transform } from './types.js';

/** Results as JSON bigger than this are refused, and never buffered beyond it (docs/detect.md). */
export const MAX_RESULT_JSON_BYTES = 1 << 20;
/** A mask of 1920x1080 fits; a 4K one (8.3 MP) is refused. */
export const MAX_MASK_PIXELS = 2_500_000;

/** What a mask does to the picture (docs/detect.md): the mask weighs the foreground, 255 = all of it. */
export const MASK_EFFECTS = ['tint', 'blur', 'colour', 'image', 'cut-out', 'off'] as const;
export type MaskEffect = (typeof MASK_EFFECTS)[number];

export const COLOURS: Record<string, [number, number, number]> = {
  green: [40, 230, 70],
  red: [240, 50, 40],
  blue: [40, 110, 250],
  yellow: [250, 220, 40],
  white: [255, 255, 255],
  black: [0, 0, 0],
};

/**
 * Every detect filter's own controls, after the user's params. A filter may declare a param of the
 * same name to change its default (a person segmenter declares `mask` with default 'blur').
 */
export const DETECT_PARAMS: ParamSpec[] = [
  { name: 'maxRate', label: 'Model at most (runs/s)', type: 'number', min: 0.5, max: 30, step: 0.5, default: 30 },
  { name: 'maxAge', label: 'Hide results older than (s)', type: 'number', min: 0.2, max: 5, step: 0.1, default: 1 },
  { name: 'draw', label: 'Draw boxes, points and text', type: 'boolean', default: true },
  { name: 'mask', label: 'Mask', type: 'choice', choices: [...MASK_EFFECTS], default: 'tint' },
  { name: 'colour', label: 'Colour', type: 'choice', choices: Object.keys(COLOURS), default: 'green' },
];

/**
 * A filter that finds things: its detect() runs beside the frame's path (a Python process, a thread)
 * on the newest frame whenever the last call is done, and the codec worker draws its latest results
 * on every frame (worker/detect-stage.ts). It draws at whatever size the picture is sent at.
 */
export function detectTransform(base: { id: string; label: string; params: ParamSpec[]; detector: DetectorSpec }): Transform {
  const own = new Set(base.params.map((p) => p.name));
  return {
    id: base.id,
    label: base.label,
    kind: 'detect',
    detector: base.detector,
    params: [...base.params, ...DETECT_PARAMS.filter((p) => !own.has(p.name))],
    // Drawn in colour; the picture a runner gets is converted from this when it is idle.
    input: 'rgba',
    // Results are scaled to the picture they are drawn on, so any size will do.
    workWidth: Infinity,
    create(_cv, host) {
      if (!host) throw new Error('a detect filter runs only in a codec worker');
      return host.detectStage(base.id, base.detector);
    },
  };
}
