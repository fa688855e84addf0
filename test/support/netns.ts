import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Test hosts on one machine: network namespaces joined by veth pairs, as the phone, the laptop and
 * the routers between them would be on a real network. Every namespace is named `cl<pid>-<name>`,
 * so a run that died is recognised and cleaned by the next one (its pid is gone).
 *
 *   laptop (br0 10.77.1.1/24: the LAN, CamLoop and coturn run here)
 *     ├── phone      10.77.1.2     a phone on the same Wi-Fi
 *     ├── impaired   10.77.1.3     a phone whose link goes through an impairing forwarder (middle namespace)
 *     └── router     10.77.1.254 ── far 10.77.2.2: a phone behind NAT (masquerade), firewall rules of the test's
 *
 * Needs root and iproute2 (and iptables for NAT); without them create() throws: these tests fail, never skip.
 */
export const LAN_PREFIX = '10.77.1';
export const LAPTOP_ADDRESS = `${LAN_PREFIX}.1`;

export async function run(command: string, args: string[]): Promise<string> {
  try {
    return (await execFileAsync(command, args, { maxBuffer: 1 << 24 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`, { cause: error });
  }
}

export class Host {
  constructor(
    readonly network: TestNetwork,
    readonly ns: string,
    /** This host's address on its own network (the LAN, or behind the router). */
    readonly address: string,
  ) {}

  /** A command run in this host's namespace, to its end; resolves with its stdout. */
  run(command: string, args: string[]): Promise<string> {
    return run('ip', ['netns', 'exec', this.ns, command, ...args]);
  }

  /** A process in this host's namespace (`ip netns exec` execs it: the child's pid is the program's). */
  spawn(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.ns, command, ...args], options);
  }

  /** An executable that runs `program` in this host's namespace: for launchers that take a path (Playwright). */
  async wrapper(program: string): Promise<string> {
    const file = join(this.network.dir, `${this.ns}-${program.split('/').pop()}`);
    await writeFile(file, `#!/bin/sh\nexec ip netns exec ${this.ns} ${program} "$@"\n`);
    await chmod(file, 0o755);
    return file;
  }
}

export class TestNetwork {
  private readonly namespaces: string[] = [];
  private links = 0;
  /** The LAN's hub: CamLoop's machine, with the bridge the LAN's hosts plug into. */
  laptop!: Host;

  private constructor(
    readonly prefix: string,
    readonly dir: string,
  ) {}

  static async create(): Promise<TestNetwork> {
    if (process.getuid?.() !== 0) throw new Error('the network tests make network namespaces: they need root (CI runs as root)');
    await removeStale();
    const network = new TestNetwork(`cl${process.pid}`, await mkdtemp(join(tmpdir(), 'camloop-netns-')));
    try {
      const laptop = await network.namespace('laptop');
      await laptop.run('ip', ['link', 'add', 'br0', 'type', 'bridge']);
      await laptop.run('ip', ['addr', 'add', `${LAPTOP_ADDRESS}/24`, 'dev', 'br0']);
      await laptop.run('ip', ['link', 'set', 'br0', 'up']);
      network.laptop = new Host(network, laptop.ns, LAPTOP_ADDRESS);
    } catch (error) {
      await network.destroy();
      throw error;
    }
    return network;
  }

  /** A phone on the LAN, plugged straight into the laptop's bridge. */
  async addLanHost(name: string, address: string): Promise<Host> {
    const host = await this.namespace(name, address);
    const [inside, outside] = await this.link(host.ns, this.laptop.ns);
    await this.plug(outside);
    await configure(host, inside, `${address}/24`);
    return host;
  }

  /**
   * A phone whose frames pass through a middle namespace, where the test runs a forwarder between
   * `toPhone` and `toLan` (the link's two ends; see link-impairer). Offloads are off on the phone's
   * and the laptop's ends: frames the forwarder copies must carry real checksums and be no larger than the MTU.
   */
  async addImpairedHost(name: string, address: string): Promise<{ host: Host; middle: Host; toPhone: string; toLan: string }> {
    const host = await this.namespace(name, address);
    const middle = await this.namespace(`${name}-link`);
    const [phoneEnd, toPhone] = await this.link(host.ns, middle.ns);
    const [toLan, lanEnd] = await this.link(middle.ns, this.laptop.ns);
    await this.plug(lanEnd);
    await configure(host, phoneEnd, `${address}/24`);
    for (const dev of [toPhone, toLan]) await middle.run('ip', ['link', 'set', dev, 'promisc', 'on', 'up']);
    await noOffloads(host, phoneEnd);
    await noOffloads(this.laptop, lanEnd);
    await noOffloads(this.laptop, 'br0');
    return { host, middle, toPhone, toLan };
  }

  /**
   * A phone behind a NAT router (iptables masquerade on the router's LAN side). The router forwards
   * only what `allow` lists from the phone to the laptop (plus replies): `tcp:8443`, `udp:3478`, ...
   */
  async addNattedHost(name: string, allow: string[]): Promise<{ host: Host; router: Host }> {
    const routerAddress = `${LAN_PREFIX}.254`;
    const router = await this.namespace(`${name}-nat`, routerAddress);
    const host = await this.namespace(name, '10.77.2.2');
    const [wan, lanEnd] = await this.link(router.ns, this.laptop.ns);
    await this.plug(lanEnd);
    await configure(router, wan, `${routerAddress}/24`);
    const [inside, phoneEnd] = await this.link(router.ns, host.ns);
    await configure(router, inside, '10.77.2.1/24');
    await configure(host, phoneEnd, '10.77.2.2/24');
    await host.run('ip', ['route', 'add', 'default', 'via', '10.77.2.1']);
    await router.run('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    const ipt = (...args: string[]) => router.run('iptables', args);
    await ipt('-t', 'nat', '-A', 'POSTROUTING', '-o', wan, '-j', 'MASQUERADE');
    await ipt('-P', 'FORWARD', 'DROP');
    await ipt('-A', 'FORWARD', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');
    for (const rule of allow) {
      const [protocol, port] = rule.split(':');
      await ipt('-A', 'FORWARD', '-i', inside, '-o', wan, '-p', protocol!, '-d', LAPTOP_ADDRESS, '--dport', port!, '-j', 'ACCEPT');
    }
    return { host, router };
  }

  /**
   * The host leaves its subnet for another on the same link (a new DHCP lease, Wi-Fi to another
   * network): its address `from` goes, `to`/24 comes, with a default route via the laptop's `gateway`
   * there (added to the bridge). The host's sockets on the old address are dead from now on.
   */
  async moveHost(host: Host, from: string, to: string, gateway: string): Promise<void> {
    const line = (await host.run('ip', ['-o', '-4', 'addr', 'show'])).split('\n').find((l) => l.includes(` ${from}/`));
    const device = line?.split(/\s+/)[1];
    if (!device) throw new Error(`${host.ns} has no address ${from}`);
    await this.laptop.run('ip', ['addr', 'replace', `${gateway}/24`, 'dev', 'br0']);
    await host.run('ip', ['addr', 'del', `${from}/24`, 'dev', device]);
    await host.run('ip', ['addr', 'add', `${to}/24`, 'dev', device]);
    await host.run('ip', ['route', 'replace', 'default', 'via', gateway]);
  }

  /** Kills every process in the test's namespaces and deletes them (their links go with them). */
  async destroy(): Promise<void> {
    for (const ns of [...this.namespaces].reverse()) await removeNamespace(ns);
    this.namespaces.length = 0;
    await rm(this.dir, { recursive: true, force: true });
  }

  private async namespace(name: string, address = ''): Promise<Host> {
    const ns = `${this.prefix}-${name}`;
    await run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    const host = new Host(this, ns, address);
    await host.run('ip', ['link', 'set', 'lo', 'up']);
    // IPv4 only: no router solicitations or IPv6 candidates in the tests' traffic.
    await host.run('sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    return host;
  }

  /** A veth pair from namespace a to namespace b; returns the two device names. */
  private async link(a: string, b: string): Promise<[string, string]> {
    const id = `${this.prefix.slice(2)}-${this.links++}`;
    const [ea, eb] = [`v${id}a`, `v${id}b`];
    await run('ip', ['link', 'add', ea, 'netns', a, 'type', 'veth', 'peer', 'name', eb, 'netns', b]);
    return [ea, eb];
  }

  private async plug(device: string): Promise<void> {
    await this.laptop.run('ip', ['link', 'set', device, 'master', 'br0', 'up']);
  }
}

async function configure(host: Host, device: string, cidr: string): Promise<void> {
  await host.run('ip', ['addr', 'add', cidr, 'dev', device]);
  await host.run('ip', ['link', 'set', device, 'up']);
}

async function noOffloads(host: Host, device: string): Promise<void> {
  await host.run('ethtool', ['-K', device, 'tx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'off']);
}

async function removeNamespace(ns: string): Promise<void> {
  const pids = (await run('ip', ['netns', 'pids', ns]).catch(() => '')).split(/\s+/).filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await run('ip', ['netns', 'del', ns]).catch(() => {});
}

/** Namespaces left by a test run that was killed before its cleanup. */
async function removeStale(): Promise<void> {
  const names = (await run('ip', ['netns', 'list'])).split('\n').map((line) => line.split(' ')[0]!);
  for (const ns of names) {
    const pid = Number(ns.match(/^cl(\d+)-/)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    await removeNamespace(ns);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
