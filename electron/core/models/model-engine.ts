import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Config, Human } from '@vladmandic/human';
import type { Mask } from '../detect/schema.js';
import type { ModelTask, ParamValues } from '../transforms/types.js';
import { packageRoot, type ModelFiles } from './model-files.js';
import { faceResults, handResults, maskOf, objectResults, poseResults, type FaceLandmarks } from './model-results.js';
import { modelInputSize } from './model-tasks.js';

const SCHEME = 'camloop-model://';
/** The tfjs that Human runs on (its `tf`: core, converter and the WASM backend, one engine). */
type Tf = typeof TfCore & { GraphModel: typeof GraphModel };
/** Human's tasks (its config's keys) for ours; segmentation is a plain graph model. */
const HUMAN_KEY = { face: 'face', pose: 'body', hands: 'hand', objects: 'object' } as const;

/**
 * The built-in models in this thread (the model worker's): tfjs with its WASM backend (SIMD, one
 * thread under Node: the models never take more than a core), Human 3.3.6 for the face, pose, hand
 * and object pipelines (anchors, crops, NMS), the selfie segmenter called directly. Each task loads
 * once, from files read through ModelFiles (checked), never over a network; calls run one at a time
 * (Human keeps one config, merged by each call). Tracking across frames is off: callers are cameras.
 */
export class ModelEngine {
  private human?: Promise<{ human: Human; tf: Tf }>;
  private readonly loads = new Map<ModelTask, Promise<void>>();
  private segmenter?: GraphModel;
  private queue: Promise<unknown> = Promise.resolve();
  /** Load errors by task: Human logs them and carries on with no model, so the router keeps them. */
  private readonly loadErrors = new Map<string, Error>();

  constructor(private readonly files: ModelFiles) {}

  /** Loads a task's models and runs them once (a first call is slow: kernels are set up); a failure can be retried. */
  load(task: ModelTask): Promise<void> {
    let loading = this.loads.get(task);
    if (!loading) {
      loading = this.serial(() => this.loadNow(task));
      this.loads.set(task, loading);
      loading.catch(() => this.loads.delete(task));
    }
    return loading;
  }

  /**
   * One picture (RGB24, rows packed) through a task: results in its pixels, the segmenter's mask,
   * and the time the call kept this thread busy (not its wait behind other cameras' calls).
   */
  async detect(task: ModelTask, pixels: Uint8Array, width: number, height: number, params: ParamValues) {
    await this.load(task);
    return this.serial(async () => {
      const start = performance.now();
      const found = await this.detectNow(task, pixels, width, height, params);
      return { ...found, busyMs: performance.now() - start };
    });
  }

  private async loadNow(task: ModelTask): Promise<void> {
    const { human, tf } = await this.humanNow();
    if (task === 'segmentation') {
      const model = new tf.GraphModel(this.handler(tf, 'segmentation', 'selfie.json'));
      await model.load();
      this.segmenter = model;
    } else {
      this.loadErrors.delete(task);
      await human.load(taskConfig(task, {}));
      const error = this.loadErrors.get(task);
      if (error) throw error;
    }
    const { width, height } = modelInputSize(task, 640, 480);
    await this.detectNow(task, new Uint8Array(width * height * 3), width, height, {});
  }

  private async detectNow(task: ModelTask, pixels: Uint8Array, width: number, height: number, params: ParamValues) {
    const { human, tf } = await this.humanNow();
    if (task === 'segmentation') return { mask: this.segment(tf, pixels, width, height) } as { results?: object; mask?: Mask };
    const input = tf.tensor4d(Float32Array.from(pixels), [1, height, width, 3]);
    try {
      const found = await human.detect(input, taskConfig(task, params));
      if (found.error) throw new Error(`${task}: ${found.error}`);
      if (task === 'face') return { results: faceResults(found.face, String(params.landmarks ?? 'keypoints') as FaceLandmarks) };
      if (task === 'pose') return { results: poseResults(found.body) };
      if (task === 'hands') return { results: handResults(found.hand) };
      return { results: objectResults(found.object) };
    } finally {
      input.dispose();
    }
  }

  private segment(tf: Tf, pixels: Uint8Array, width: number, height: number): Mask {
    const model = this.segmenter!;
    const [, h, w] = model.inputs[0]!.shape as number[];
    if (width !== w || height !== h) throw new Error(`the segmenter takes ${w}x${h} pictures, not ${width}x${height}`);
    const values = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) values[i] = pixels[i]! / 255;
    const input = tf.tensor4d(values, [1, h, w, 3]);
    const output = model.execute(input) as TfCore.Tensor;
    try {
      return maskOf(output.dataSync(), w, h);
    } finally {
      tf.dispose([input, output]);
    }
  }

  private humanNow(): Promise<{ human: Human; tf: Tf }> {
    this.human ??= (async () => {
      const wasmDir = join(packageRoot('@tensorflow/tfjs-backend-wasm'), 'dist') + '/';
      // Human's exports map hides dist/human.node-wasm.js (keys without "./"): required by path. Never human.node.js (tfjs-node).
      const require = createRequire(import.meta.url);
      const { Human } = require(join(packageRoot('@vladmandic/human'), 'dist', 'human.node-wasm.js')) as typeof import('@vladmandic/human');
      const human = new Human(humanConfig(wasmDir));
      // Human's own tfjs, never one imported here: in a packaged app another path would load a second copy.
      const tf = human.tf as Tf;
      // No fetch: Human asks tfjs for SCHEME URLs, and this router reads the checked files.
      const router = (url: string | string[]): TfCore.io.IOHandler | null => {
        if (typeof url !== 'string' || !url.startsWith(SCHEME)) return null;
        const [task, file] = url.slice(SCHEME.length).split('/') as [ModelTask, string];
        const handler = this.handler(tf, task, file);
        return { load: () => handler.load!().catch((error: Error) => (this.loadErrors.set(task, error), Promise.reject(error))) };
      };
      tf.io.registerLoadRouter(router as Parameters<typeof tf.io.registerLoadRouter>[0]);
      await human.init();
      if (tf.getBackend() !== 'wasm') throw new Error(`tfjs runs on ${tf.getBackend()}, not its WASM backend`);
      return { human, tf };
    })();
    return this.human;
  }

  /** A tfjs loader for a graph model's JSON and its weights, every file read through the manifest's check. */
  private handler(tf: Tf, task: ModelTask, jsonFile: string): TfCore.io.IOHandler {
    return {
      load: async () => {
        const json = JSON.parse((await this.files.read(task, jsonFile)).toString('utf8')) as TfCore.io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(json, async (groups) => {
          const specs = groups.flatMap((group) => group.weights);
          const bytes = Buffer.concat(await Promise.all(groups.flatMap((group) => group.paths.map((path) => this.files.read(task, path)))));
          return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer];
        });
      },
    };
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function humanConfig(wasmPath: string): Partial<Config> {
  const off = { enabled: false };
  const once = { skipFrames: 0, skipTime: 0 };
  return {
    backend: 'wasm',
    wasmPath,
    modelBasePath: SCHEME,
    debug: false,
    async: false,
    warmup: 'none',
    cacheModels: false,
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: off,
    segmentation: off,
    face: {
      enabled: false,
      detector: { modelPath: 'face/blazeface.json', rotation: false, maxDetected: 5, minConfidence: 0.5, return: false, ...once },
      mesh: { enabled: true, modelPath: 'face/facemesh.json' },
      iris: off,
      attention: off,
      description: off,
      emotion: off,
      antispoof: off,
      liveness: off,
    },
    body: { enabled: false, modelPath: 'pose/movenet-lightning.json', maxDetected: 1, minConfidence: 0.3, ...once },
    hand: {
      enabled: false,
      maxDetected: 2,
      minConfidence: 0.5,
      landmarks: true,
      rotation: true,
      detector: { modelPath: 'hands/handtrack.json' },
      skeleton: { modelPath: 'hands/handlandmark-lite.json' },
      ...once,
    },
    object: { enabled: false, modelPath: 'objects/nanodet.json', minConfidence: 0.4, maxDetected: 20, iouThreshold: 0.4, ...once },
  } as Partial<Config>;
}

/** This call's config: its task on and its params, every other off (Human merges it into the config it keeps). */
function taskConfig(task: ModelTask, params: ParamValues): Partial<Config> {
  const number = (name: string, fallback: number) => (typeof params[name] === 'number' ? (params[name] as number) : fallback);
  const on = (key: string) => ({ enabled: task !== 'segmentation' && HUMAN_KEY[task] === key });
  return {
    face: { ...on('face'), detector: { minConfidence: number('threshold', 0.5), maxDetected: number('maxFaces', 5) }, mesh: { enabled: params.landmarks !== 'none' } },
    body: { ...on('body'), minConfidence: number('threshold', 0.3) },
    hand: { ...on('hand'), minConfidence: number('threshold', 0.5), maxDetected: number('maxHands', 2) },
    object: { ...on('object'), minConfidence: number('threshold', 0.4), maxDetected: number('maxObjects', 20) },
  } as Partial<Config>;
}
