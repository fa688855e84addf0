import { BrowserlessPeer } from '../test/support/browserless-peer.js';
import type { Clip } from '../test/support/clip.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

/**
 * Phones coming and going: `slots` at most at once, each arriving after a pause (5-45 s), staying
 * 1-8 minutes with a random filter, then leaving without a goodbye (the server must notice). Every
 * phone that connects must get video back within 20 s.
 */
export class PhoneChurn {
  connected = 0;
  gotVideo = 0;
  /** Phones that connected and got no frame back within 20 s, and connections that failed. */
  readonly noVideo: string[] = [];
  readonly connectFailures: string[] = [];
  readonly live = new Set<BrowserlessPeer>();
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly clip: Clip,
    private readonly filters: string[],
  ) {}

  start(slots: number): void {
    for (let i = 0; i < slots; i++) this.loops.push(this.slot());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.live].map((phone) => phone.close()));
    await Promise.all(this.loops);
  }

  /** Frames back per second, per live phone, over the last `ms`. */
  fps(ms: number): number[] {
    const since = performance.now() - ms;
    return [...this.live].map((phone) => (phone.stats.arrivals.filter((t) => t >= since).length * 1000) / ms);
  }

  private async slot(): Promise<void> {
    while (!this.stopped) {
      await this.wait(between(5_000, 45_000));
      if (this.stopped) return;
      const phone = new BrowserlessPeer(this.clip);
      const filter = this.filters[Math.floor(Math.random() * this.filters.length)]!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          phone.connect(this.url, filter),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('not connected in 30 s')), 30_000))),
        ]);
      } catch (error) {
        this.connectFailures.push(`${new Date().toISOString()} ${filter}: ${(error as Error).message}`);
        await phone.close();
        continue;
      } finally {
        clearTimeout(timer);
      }
      this.connected++;
      this.live.add(phone);
      for (const end = Date.now() + 20_000; phone.stats.framesReceived === 0 && Date.now() < end;) await sleep(100);
      if (phone.stats.framesReceived > 0) this.gotVideo++;
      else this.noVideo.push(`${new Date().toISOString()} ${filter}`);
      await this.wait(between(60_000, 480_000));
      this.live.delete(phone);
      await phone.close();
    }
  }

  /** Sleeps, but wakes within a second of stop(). */
  private async wait(ms: number): Promise<void> {
    for (const end = Date.now() + ms; !this.stopped && Date.now() < end;) await sleep(Math.min(1000, end - Date.now()));
  }
}
