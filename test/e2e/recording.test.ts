import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { silentLogger } from '../../electron/core/base/log.js';
import { startServer } from '../../electron/core/http/server.js';
import { serveAiortcClient } from '../support/aiortc-client.js';
import { startAiortcClient, waitForAiortcVideo } from '../support/aiortc-page.js';
import { api } from '../support/server.js';
import { launchBrowser } from '../support/browser.js';

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { duration: string; format_name: string };
}

/** ffprobe (Debian's ffmpeg) reads the file back: streams, codecs and duration. */
function ffprobe(file: string): Probe {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]).toString()) as Probe;
}

/** ffmpeg decodes every frame: a broken file fails here even when its header looks fine. */
function decodesCleanly(file: string): void {
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
}

let dir: string;
let browser: Browser;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'camloop-rec-'));
  browser = await launchBrowser();
});
after(async () => {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
});

const cases = [
  { file: 'call.webm', codec: 'VP8/90000', audio: 'opus/48000/2', expect: { file: 'call.webm', video: 'vp8', audio: 'opus' } },
  { file: 'call.mp4', codec: 'H264/90000', audio: 'opus/48000/2', expect: { file: 'call.mp4', video: 'h264', audio: 'opus' } },
  { file: 'pcmu.webm', codec: 'VP8/90000', audio: 'PCMU/8000', expect: { file: 'pcmu.mkv', video: 'vp8', audio: 'pcm_mulaw' } },
];

describe('--record-to', () => {
  for (const { file, codec, audio, expect } of cases) {
    it(`${codec} + ${audio} to ${file}: a playable ${expect.file} with both streams and the right duration`, async () => {
      const server = await startServer({ host: '127.0.0.1', port: 0, log: silentLogger, recordTo: join(dir, file) });
      const client = await serveAiortcClient(server.url);
      try {
        const page = await startAiortcClient(browser, client.url, {
          video: { transform: 'edges', codec },
          audio: { codec: audio },
          datachannel: false,
        });
        await waitForAiortcVideo(page, 10);
        const started = Date.now();
        await new Promise((r) => setTimeout(r, 3000));
        // Shutdown must close the file properly, like a session ending.
        await server.close();
        const seconds = (Date.now() - started) / 1000;
        await page.close();

        const path = join(dir, expect.file);
        const probe = ffprobe(path);
        const video = probe.streams.find((s) => s.codec_type === 'video');
        const sound = probe.streams.find((s) => s.codec_type === 'audio');
        assert.equal(video?.codec_name, expect.video);
        assert.equal(video?.width, 640);
        assert.equal(video?.height, 480);
        assert.equal(sound?.codec_name, expect.audio);
        const duration = Number(probe.format.duration);
        assert.ok(Math.abs(duration - seconds) < 1.5, `duration ${duration.toFixed(2)} s for ~${seconds.toFixed(1)} s recorded`);
        decodesCleanly(path);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }
});

describe('record button (API): the processed video', () => {
  it('POST then DELETE /api/sessions/:id/recording writes a playable WebM of what was sent back', async () => {
    const server = await startServer({ host: '127.0.0.1', port: 0, log: silentLogger, videosDir: dir });
    const client = await serveAiortcClient(server.url);
    try {
      const page = await startAiortcClient(browser, client.url, {
        video: { transform: 'edges', codec: 'VP8/90000' },
        audio: false,
        datachannel: false,
      });
      await waitForAiortcVideo(page, 10);
      const [session] = server.sessions.list();
      const started = (await (await api(server, `/api/sessions/${session.id}/recording`, { method: 'POST' })).json()) as {
        recording: string;
      };
      assert.match(started.recording, /CamLoop-.*\.webm$/);
      assert.equal(session.info().recording, started.recording);
      await new Promise((r) => setTimeout(r, 2500));
      const stopped = (await (await api(server, `/api/sessions/${session.id}/recording`, { method: 'DELETE' })).json()) as {
        recorded: string;
      };
      assert.equal(stopped.recorded, started.recording);
      await page.close();

      const probe = ffprobe(stopped.recorded);
      assert.equal(probe.streams[0].codec_name, 'vp8');
      assert.ok(Math.abs(Number(probe.format.duration) - 2.5) < 1, `duration ${probe.format.duration}`);
      decodesCleanly(stopped.recorded);
      const gray = execFileSync('ffmpeg', [
        '-v',
        'error',
        '-ss',
        '1',
        '-i',
        stopped.recorded,
        '-frames:v',
        '1',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'gray',
        '-',
      ]);
      const mean = gray.reduce((sum, v) => sum + v, 0) / gray.length;
      assert.ok(mean < 40, `the recording holds the processed (edges) picture, mean luma ${mean.toFixed(1)}`);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
