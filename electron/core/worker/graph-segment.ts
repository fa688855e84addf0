import type { Frame } from 'node-av/lib';
import type { GraphPicture, GraphSpec } from '../transforms/graph-spec.js';
import type { ParamValues, Transform, TransformResult } from '../transforms/types.js';
import { joinGraphs, NativeGraph } from '../media/native-graph.js';

export interface GraphStage {
  id: string;
  params: ParamValues;
  transform: Transform;
}

/**
 * Consecutive native stages of a chain as one FFmpeg graph, built at the first frame of a size and
 * parameter set and reused for every frame after. A graph that cannot be built, or that rejects a
 * frame, lets the frame through untouched and says why once while it repeats, as a throwing stage
 * does (see TransformStages).
 */
export class GraphSegment {
  private graph?: NativeGraph;
  private specs: GraphSpec[] = [];
  /** The key the graph (or its failure) was made for: size and every stage's params. */
  private builtFor?: string;
  private failed?: string;
  private lastError?: string;

  constructor(
    private stages: GraphStage[],
    private readonly report: (error: string) => void,
  ) {}

  get ids(): string[] {
    return this.stages.map((s) => s.id);
  }

  /** The same stages with other params: the graph is rebuilt at the next frame if they differ. */
  setParams(stages: GraphStage[]): void {
    this.stages = stages;
  }

  /** One frame through the graph: its output (valid until the next run), or `frame` itself when it passes through. */
  run(frame: Frame, results: Record<string, TransformResult>): Frame {
    const key = `${frame.width}x${frame.height} ${JSON.stringify(this.stages.map((s) => s.params))}`;
    if (key !== this.builtFor) this.build(key, frame.width, frame.height);
    if (!this.graph) return frame;
    let out: Frame | undefined;
    try {
      out = this.graph.process(frame);
      this.lastError = undefined;
    } catch (error) {
      const why = `${this.name} rejected a frame: ${message(error)}; frames pass through it`;
      if (why !== this.lastError) this.report(why);
      this.lastError = why;
      return frame;
    }
    const graph = this.graph;
    this.specs.forEach((spec, i) => {
      const result = spec.report?.((label) => asPicture(graph.aux(`s${i}_${label}`)));
      if (result) results[this.stages[i].id] = result;
    });
    return out ?? frame;
  }

  dispose(): void {
    this.graph?.dispose();
    this.graph = undefined;
    this.builtFor = undefined;
  }

  private get name(): string {
    return this.stages.map((s) => `"${s.id}"`).join(' -> ');
  }

  private build(key: string, width: number, height: number): void {
    this.dispose();
    this.builtFor = key;
    try {
      this.specs = this.stages.map((s) => s.transform.native!(s.params, { width, height }));
      const aux = this.specs.flatMap((spec, i) => (spec.aux ?? []).map((label) => `s${i}_${label}`));
      this.graph = new NativeGraph(joinGraphs(this.specs.map((s) => s.graph)), width, height, aux);
      this.failed = undefined;
    } catch (error) {
      const why = `${this.name} failed to start at ${width}x${height}: ${message(error)}; frames pass through it`;
      if (why !== this.failed) this.report(why);
      this.failed = why;
    }
  }
}

function asPicture(frame: Frame | undefined): GraphPicture | undefined {
  const data = frame?.data?.[0];
  return frame && data ? { width: frame.width, height: frame.height, stride: frame.linesize[0], data } : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
