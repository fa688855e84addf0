import { BrowserlessPeer } from '../test/support/browserless-peer.js';
import { makeVp8Clip } from '../test/support/clip.js';

/**
 * One phone of bench:churn in a process of its own, so that it can be SIGKILLed mid-call (no
 * goodbye of any kind). Prints "frames" once 5 processed frames came back; exits by itself after 60 s.
 */
const [url, transform] = process.argv.slice(2);
const peer = new BrowserlessPeer(makeVp8Clip(640, 480, 30));
setTimeout(() => process.exit(3), 60_000).unref();
try {
  await peer.connect(url, transform);
  const timer = setInterval(() => {
    if (peer.stats.framesReceived >= 5) {
      process.stdout.write('frames\n');
      clearInterval(timer);
    }
  }, 20);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
