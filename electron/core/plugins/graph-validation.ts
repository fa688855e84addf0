import { Filter, Log } from 'node-av/lib';
import { AV_LOG_ERROR } from 'node-av/constants';
import { joinGraphs, NativeGraph } from '../media/native-graph.js';
import { filterNames, fillGraph, paramSets, type GraphPluginSpec } from './graph-plugins.js';

/** The size a plugin's graph is tried at when it loads (a camera's usual). */
const TRY_SIZE = { width: 640, height: 480 };

/**
 * Builds a graph plugin's graph as a camera's worker would, with its default params and each
 * param at its extremes, so that a graph FFmpeg refuses is an error when the file loads (listed by
 * GET /api/plugins) and never one at frame time. Throws with FFmpeg's own words: they only go
 * through its log, which is delivered asynchronously and process-wide, so it is listened to
 * around the builds.
 */
export async function validateGraphPlugin(spec: GraphPluginSpec): Promise<void> {
  const said: string[] = [];
  Log.setCallback((_level, line) => said.push(line.trim()), { maxLevel: AV_LOG_ERROR });
  const unknown = filterNames(spec.graph).find((name) => !Filter.getByName(name));
  if (unknown) throw new Error(`"${spec.id}": FFmpeg has no filter named "${unknown}"`);
  let failure: { params: object; error: Error } | undefined;
  try {
    for (const params of paramSets(spec.params)) {
      // One build at a time between the event loop's turns: live cameras are served meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        new NativeGraph(joinGraphs([fillGraph(spec.graph, params)]), TRY_SIZE.width, TRY_SIZE.height).dispose();
      } catch (error) {
        failure = { params, error: error as Error };
        break;
      }
    }
    // The log's lines come after the call that wrote them.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    Log.resetCallback();
  }
  if (!failure) return;
  const words = [...new Set(said.filter(Boolean))].slice(-3).join('; ');
  const withParams = spec.params.length ? ` with ${JSON.stringify(failure.params)}` : '';
  const why = words ? `${words} (${failure.error.message})` : failure.error.message;
  throw new Error(`"${spec.id}": FFmpeg refused the graph${withParams}: ${why}`);
}
