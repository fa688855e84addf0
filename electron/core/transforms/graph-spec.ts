/** A picture a graph reports from (motion's mask): its first plane. */
export interface GraphPicture {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

/**
 * A transform as an FFmpeg filter graph over the decoder's YUV420P planes (BT.601, video range,
 * pts in 1/90000 s so that `t` is the stream time): the first filter takes the frame, the last
 * chain's output goes back. Labelled outputs in `aux` go to extra sinks that `report` reads.
 */
export interface GraphSpec {
  graph: string;
  aux?: string[];
  /** What the stage found (as TransformResult), read from the aux pictures after each frame. */
  report?(aux: (label: string) => GraphPicture | undefined): Record<string, unknown>;
}

/** The graph for resolved params (as ParamValues: this file stands below types.ts) at a picture size. */
export type NativeForm = (params: Record<string, number | boolean | string>, size: { width: number; height: number }) => GraphSpec;

/** An expression (no ':' in it) as a filter option's value: its commas escaped from the graph's parser. */
export function graphExpr(expression: string): string {
  return expression.replace(/,/g, '\\,');
}

/** Video-range luma as full-range (0-255) in an expression over `val` (what RGB2GRAY's grey is). */
export const FULL_RANGE_LUMA = 'clip((val-16)*255/219,0,255)';
