import { findTransform } from './registry.js';
import { withDefaults, type ParamSpec, type ParamValues } from './types.js';

export interface TransformChoice {
  id: string;
  params: ParamValues;
}

/** Transforms applied in order to each frame (e.g. mirror -> edges). */
export type TransformChain = TransformChoice[];

export const MAX_CHAIN_LENGTH = 8;

/** A user-facing validation error; the HTTP layer maps it to 400. */
export class ChainError extends Error {}

/**
 * Accepts a transform id, `{id, params}`, or an array of those; checks each id and param against
 * its spec and fills in defaults. Throws ChainError with a message that says what is wrong.
 */
export function parseChain(value: unknown): TransformChain {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return [{ id: 'none', params: {} }];
  if (items.length > MAX_CHAIN_LENGTH) throw new ChainError(`a chain has at most ${MAX_CHAIN_LENGTH} transforms`);
  return items.map(parseChoice);
}

function parseChoice(item: unknown): TransformChoice {
  const { id, params = {} } = typeof item === 'string' ? { id: item } : ((item ?? {}) as { id?: unknown; params?: unknown });
  if (typeof id !== 'string') throw new ChainError('each transform needs an "id" string');
  const transform = findTransform(id);
  if (!transform) throw new ChainError(`unknown transform "${id}"`);
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ChainError(`params of "${id}" must be an object`);
  const given = params as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!transform.params.some((p) => p.name === name)) throw new ChainError(`"${id}" has no param "${name}"`);
  }
  const checked: ParamValues = {};
  for (const spec of transform.params) if (given[spec.name] !== undefined) checked[spec.name] = checkParam(id, spec, given[spec.name]);
  return { id, params: withDefaults(transform.params, checked) };
}

function checkParam(id: string, spec: ParamSpec, value: unknown): number | boolean | string {
  const where = `param "${spec.name}" of "${id}"`;
  switch (spec.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ChainError(`${where} must be a number`);
      if (value < spec.min || value > spec.max) throw new ChainError(`${where} must be between ${spec.min} and ${spec.max}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new ChainError(`${where} must be true or false`);
      return value;
    case 'choice':
      if (typeof value !== 'string' || !spec.choices.includes(value))
        throw new ChainError(`${where} must be one of ${spec.choices.join(', ')}`);
      return value;
  }
}

export function isIdentityChain(chain: TransformChain): boolean {
  return chain.every((choice) => findTransform(choice.id)?.identity === true);
}

export function describeChain(chain: TransformChain): string {
  return chain.map((c) => c.id).join(' -> ');
}
