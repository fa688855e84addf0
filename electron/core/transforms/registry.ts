import { cartoon } from './cartoon.js';
import { edges } from './edges.js';
import { none } from './none.js';
import { rotate } from './rotate.js';
import type { ParamSpec, Transform } from './types.js';

const builtins: Transform[] = [none, edges, cartoon, rotate];
const byId = new Map(builtins.map((t) => [t.id, t]));

export function listTransforms(): Transform[] {
  return builtins;
}

export function findTransform(id: string): Transform | undefined {
  return byId.get(id);
}

/** What the API and UIs see of a transform: everything but its code. */
export interface TransformInfo {
  id: string;
  label: string;
  params: ParamSpec[];
}

export function describeTransforms(): TransformInfo[] {
  return builtins.map(({ id, label, params }) => ({ id, label, params }));
}
