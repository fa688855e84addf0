import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Host } from './netns.js';

/** Tests run from dist/test/support: the script stays in the sources. */
export const IMPAIRER_SCRIPT = fileURLToPath(new URL('../../../test/support/link_impairer.py', import.meta.url));
/** Runs the impairer's schedule on scripted traffic (for its unit test). */
export const IMPAIRER_TRACE_SCRIPT = fileURLToPath(new URL('../../../test/support/impairer_trace.py', import.meta.url));
/** UDP round trips for checking a test network's paths (these machines have no ping). */
export const UDP_PROBE_SCRIPT = fileURLToPath(new URL('../../../test/support/udp_probe.py', import.meta.url));
/** Debian's Python (the first python3 on PATH may be another). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** One direction of a link, as link_impairer.py takes it. */
export interface LinkProfile {
  delay_ms?: number;
  jitter_ms?: number;
  /** 0..1 */
  loss?: number;
  rate_kbps?: number;
  queue_ms?: number;
  down?: boolean;
}

export type LinkCounts = Record<'passed' | 'lost' | 'queue_full' | 'down', number>;

/**
 * link_impairer.py running in a middle namespace, bridging `a` (the phone's side) and `b` (the LAN's):
 * `up` is what the phone sends, `down` what it receives. Profiles change live.
 */
export class LinkImpairer {
  private readonly answers: ((line: string) => void)[] = [];

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.answers.shift()?.(line));
  }

  static async start(middle: Host, a: string, b: string, seed = 1): Promise<LinkImpairer> {
    const child = middle.spawn(SYSTEM_PYTHON, [IMPAIRER_SCRIPT, a, b, `--seed=${seed}`], { stdio: ['pipe', 'pipe', 'inherit'] });
    const impairer = new LinkImpairer(child);
    const ready = impairer.next();
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`link_impairer.py exited (${code}) before it was ready`))),
    );
    await Promise.race([ready, exited]);
    return impairer;
  }

  /** Sets each direction; a direction left out keeps its profile. */
  async set(profile: { up?: LinkProfile; down?: LinkProfile }): Promise<void> {
    const answer = await this.send({ ...(profile.up && { a_to_b: profile.up }), ...(profile.down && { b_to_a: profile.down }) });
    if (answer.error) throw new Error(`link_impairer.py: ${String(answer.error)}`);
  }

  both(profile: LinkProfile): Promise<void> {
    return this.set({ up: profile, down: profile });
  }

  async counts(): Promise<{ up: LinkCounts; down: LinkCounts }> {
    const answer = (await this.send({ stats: true })) as Record<string, LinkCounts>;
    return { up: answer.a_to_b!, down: answer.b_to_a! };
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }

  private async send(message: object): Promise<Record<string, unknown>> {
    const answer = this.next();
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
    return JSON.parse(await answer) as Record<string, unknown>;
  }

  private next(): Promise<string> {
    return new Promise((resolve) => this.answers.push(resolve));
  }
}
