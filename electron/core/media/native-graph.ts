import { FFmpegError, FilterGraph, Frame, type FilterContext } from 'node-av/lib';
import {
  AV_BUFFERSRC_FLAG_KEEP_REF,
  AV_BUFFERSRC_FLAG_PUSH,
  AV_PIX_FMT_YUV420P,
  AVERROR_EAGAIN,
  type AVBufferSrcFlag,
} from 'node-av/constants';

/** The decoder's pts are RTP ticks (1/90000 s): a graph's `t` is then the stream time in seconds. */
const TIME_BASE = '1/90000';
const FEED = (AV_BUFFERSRC_FLAG_KEEP_REF | AV_BUFFERSRC_FLAG_PUSH) as AVBufferSrcFlag;

/**
 * An FFmpeg filter graph over YUV420P frames of one size, built once (per size and parameter set)
 * and run synchronously, one frame in and one out, on the decoder's own frame: the source takes a
 * reference (no copy, no colour conversion) and the frame out is the graph's own buffer, valid
 * until the next process(): hand it to the encoder before that.
 *
 * `description`'s first filter takes the frame; its last chain's output comes back (as yuv420p).
 * Labelled outputs named in `aux` go to extra sinks, read with `aux(label)` after process() (motion
 * reads its mask there). A bad description throws here; a frame the graph rejects throws from
 * process(), and the graph stays usable for the next frame.
 */
export class NativeGraph {
  private readonly graph = new FilterGraph();
  private readonly source: FilterContext;
  private readonly sink: FilterContext;
  private readonly output = new Frame();
  private readonly sinks = new Map<string, { context: FilterContext; frame: Frame }>();
  private disposed = false;
  readonly outWidth: number;
  readonly outHeight: number;

  constructor(
    readonly description: string,
    readonly width: number,
    readonly height: number,
    aux: readonly string[] = [],
  ) {
    this.graph.alloc();
    // One thread: slice threads would compete with the other cameras' work on a machine this app fills.
    this.graph.nbThreads = 1;
    this.output.alloc();
    try {
      // One text with the source and sinks named: extra sinks are then as easy as the main one.
      const source = `buffer@in=video_size=${width}x${height}:pix_fmt=yuv420p:time_base=${TIME_BASE}:pixel_aspect=1/1`;
      const sinks = aux.map((label) => `;[${label}]buffersink@${label}`).join('');
      check(this.graph.parse2(`${source},${description},format=yuv420p,buffersink@out${sinks}`), 'the filter graph');
      check(this.graph.configSync(), 'the filter graph');
      this.source = this.graph.getFilter('buffer@in')!;
      this.sink = this.graph.getFilter('buffersink@out')!;
      for (const label of aux) {
        const frame = new Frame();
        frame.alloc();
        this.sinks.set(label, { context: this.graph.getFilter(`buffersink@${label}`)!, frame });
      }
      this.outWidth = this.sink.buffersinkGetWidth();
      this.outHeight = this.sink.buffersinkGetHeight();
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /**
   * One frame through the graph (its pts drive time expressions such as rotate's `t`). Returns the
   * graph's frame, valid until the next call, or undefined when the graph held this one back (a
   * filter with a frame of delay, as tblend's first): the caller sends the input as it is.
   */
  process(frame: Frame): Frame | undefined {
    if (this.disposed) throw new Error('the filter graph is disposed');
    if (frame.width !== this.width || frame.height !== this.height || frame.format !== AV_PIX_FMT_YUV420P) {
      // buffersrc would only log this, and filters sized at configuration would read past their buffers.
      throw new Error(`the filter graph was built for ${this.width}x${this.height} yuv420p, got ${frame.width}x${frame.height}`);
    }
    this.output.unref();
    for (const sink of this.sinks.values()) sink.frame.unref();
    check(this.source.buffersrcAddFrameSync(frame, FEED), 'filtering a frame');
    for (const { context, frame: auxFrame } of this.sinks.values()) {
      const ret = context.buffersinkGetFrameSync(auxFrame);
      if (ret !== AVERROR_EAGAIN) check(ret, 'filtering a frame');
    }
    const ret = this.sink.buffersinkGetFrameSync(this.output);
    if (ret === AVERROR_EAGAIN) return undefined;
    check(ret, 'filtering a frame');
    if (this.output.width !== this.outWidth || this.output.height !== this.outHeight)
      throw new Error(`the filter graph changed its output size to ${this.output.width}x${this.output.height} mid-stream`);
    return this.output;
  }

  /** The last frame of extra sink `label` (undefined while it has none). */
  aux(label: string): Frame | undefined {
    const sink = this.sinks.get(label);
    return sink && sink.frame.width > 0 ? sink.frame : undefined;
  }

  /** Changes a filter's option in place (filters that take commands: rotate's angle, hue, lutyuv...). */
  command(target: string, command: string, argument: string): void {
    const result = this.graph.sendCommand(target, command, argument);
    if (typeof result === 'number') check(result, `command ${command}=${argument} to ${target}`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.output.free();
    for (const { frame } of this.sinks.values()) frame.free();
    this.graph.free();
  }
}

function check(ret: number, what: string): void {
  if (ret < 0) throw new Error(`${what}: ${new FFmpegError(ret).message}`);
}

/**
 * Stages' graphs as one: each stage's labels get a prefix of their own (s0_, s1_...) so they cannot
 * meet, and the last chain of one stage feeds the first filter of the next.
 */
export function joinGraphs(graphs: string[]): string {
  return graphs
    .map((graph, i) => {
      const own = graph.replace(/\[([A-Za-z0-9_]+)\]/g, `[s${i}_$1]`);
      return `${i > 0 ? `[link${i}]` : ''}${own}${i < graphs.length - 1 ? `[link${i + 1}]` : ''}`;
    })
    .join(';');
}
