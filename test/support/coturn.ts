import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Host } from './netns.js';

export const TURN_PORT = 3478;
const TURNSERVER = '/usr/bin/turnserver';

/**
 * Debian's coturn on a test host, as a user would run it for CamLoop's --turn-secret:
 * use-auth-secret (TURN REST credentials), UDP and TCP on 3478, relays on the same address.
 */
export class Coturn {
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static async start(host: Host, secret: string): Promise<Coturn> {
    if (!existsSync(TURNSERVER)) throw new Error(`coturn not found at ${TURNSERVER}: run 'apt-get install -y coturn' (see .ci/run)`);
    const args = [
      '-n', // no config file: everything is here
      `--listening-ip=${host.address}`,
      `--relay-ip=${host.address}`,
      `--listening-port=${TURN_PORT}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=camloop.test',
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--min-port=49160',
      '--max-port=49260',
      '--log-file=stdout',
      '--simple-log',
      '--verbose',
    ];
    const turn = new Coturn(host.spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    const deadline = Date.now() + 10_000;
    while (!/UDP listener opened on/.test(turn.output) || !/TCP listener opened on/.test(turn.output)) {
      if (Date.now() > deadline || turn.child.exitCode !== null) throw new Error(`coturn did not start:\n${turn.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return turn;
  }

  /** Allocations coturn granted so far, by transport to it. */
  allocations(): { udp: number; tcp: number } {
    const count = (protocol: string) =>
      (this.output.match(new RegExp(`${protocol} socket.*?\\n?.*ALLOCATE processed, success`, 'gi')) ?? []).length;
    return { udp: count('UDP'), tcp: count('TCP') };
  }

  log(): string {
    return this.output;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
