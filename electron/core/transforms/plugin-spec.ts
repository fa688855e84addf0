import type { ParamSpec } from './types.js';

/** A plugin file that could not be loaded, and why (listed by GET /api/plugins). */
export interface PluginError {
  file: string;
  message: string;
}

/** What a plugin's id may be, JS or Python: it is used in URLs, chains and the panel. */
export const PLUGIN_ID = /^[a-z0-9][a-z0-9_-]{0,40}$/i;

/** Throws, saying what is wrong, when a plugin's param spec is not one the panel can render. */
export function checkParamSpec(id: string, p: ParamSpec): void {
  const bad = (why: string) => new Error(`"${id}": param ${JSON.stringify(p?.name)} ${why}`);
  if (typeof p?.name !== 'string' || typeof p.label !== 'string') throw bad('needs a name and a label');
  if (p.type === 'number') {
    if (![p.min, p.max, p.step, p.default].every((n) => typeof n === 'number' && Number.isFinite(n)) || p.min > p.max)
      throw bad('needs numeric min <= max, step and default');
  } else if (p.type === 'boolean') {
    if (typeof p.default !== 'boolean') throw bad('needs a boolean default');
  } else if (p.type === 'choice') {
    if (!Array.isArray(p.choices) || !p.choices.includes(p.default)) throw bad('needs choices that include its default');
  } else throw bad('has an unknown type (number, boolean, choice)');
}
