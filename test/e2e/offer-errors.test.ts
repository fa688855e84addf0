import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import { api, postRawOffer, startTestServer } from '../support/server.js';
import { BrowserlessPeer } from '../support/browserless-peer.js';
import { makeVp8Clip } from '../support/clip.js';

let server: CamLoopServer;
before(async () => (server = await startTestServer()));
after(() => server.close());

const videoOffer = (codecLines: string) =>
  ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', codecLines, 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=sendrecv', ''].join('\r\n');

async function postOffer(body: string | object, contentType = 'application/json') {
  const response = await fetch(`${server.url}/offer`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}

describe('POST /offer rejects bad input with a 4xx and a reason', () => {
  const cases: [string, string | object, number, RegExp][] = [
    ['a body that is not JSON', '{"sdp": ', 400, /not valid JSON/],
    ['a JSON array', '[]', 400, /JSON object/],
    ['a missing sdp', { type: 'offer' }, 400, /sdp must be a non-empty string/],
    ['an sdp that is not a string', { type: 'offer', sdp: 42 }, 400, /sdp must be/],
    [
      'type "answer"',
      { type: 'answer', sdp: videoOffer('m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000') },
      400,
      /type must be "offer"/,
    ],
    ['an sdp that is not SDP', { type: 'offer', sdp: 'hello' }, 400, /v=0/],
    [
      'an offer of nothing we answer (G.722 audio alone)',
      { type: 'offer', sdp: videoOffer('m=audio 9 UDP/TLS/RTP/SAVPF 9\r\na=rtpmap:9 G722/8000') },
      400,
      /nothing CamLoop answers/,
    ],
    [
      'an offer with only VP9',
      { type: 'offer', sdp: videoOffer('m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=rtpmap:98 VP9/90000') },
      400,
      /no video codec we support/,
    ],
    [
      'an unknown transform',
      { type: 'offer', sdp: videoOffer('m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000'), video_transform: 'sharpen' },
      400,
      /invalid video_transform: unknown transform "sharpen"/,
    ],
    ['an sdp over 64 KB', { type: 'offer', sdp: 'v=0\r\n' + 'a=x\r\n'.repeat(20_000) }, 413, /larger than/],
    ['a body over 256 KB', { type: 'offer', sdp: 'v=0' + ' '.repeat(300_000) }, 413, /larger than/],
    [
      'a replaces that is not a session id',
      { type: 'offer', sdp: videoOffer('m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000'), replaces: 'not an id!' },
      400,
      /replaces must be the id of a session/,
    ],
    [
      'a video offer werift cannot parse',
      { type: 'offer', sdp: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n' },
      400,
      /cannot answer/,
    ],
  ];
  for (const [what, body, status, message] of cases) {
    it(`${what} -> ${status}`, async () => {
      const result = await postOffer(body);
      assert.equal(result.status, status);
      assert.match(result.body.error ?? '', message);
    });
  }

  it('a text/plain offer from a foreign page (no CORS preflight), or through a rebound Host -> 403, no session', async () => {
    const offer = { type: 'offer', sdp: videoOffer('m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000') };
    const port = Number(new URL(server.url).port);
    const post = async (headers: Record<string, string>) => {
      const response = await postRawOffer(server, offer, { headers: { 'Content-Type': 'text/plain', ...headers } });
      return { status: response.status, error: response.body.error };
    };
    const foreign = await post({ Origin: 'https://evil.example' });
    assert.deepEqual(foreign, { status: 403, error: 'pages from https://evil.example may not open sessions without the pairing token' });
    const rebound = await post({ Host: `evil.example:${port}` });
    assert.equal(rebound.status, 403);
    assert.match(rebound.error ?? '', /not this machine's/);
    assert.equal(server.sessions.list().length, 0);
  });

  it('GET /offer -> 405', async () => {
    const response = await fetch(`${server.url}/offer`);
    assert.equal(response.status, 405);
  });

  it('keeps serving after all that, and holds no session', async () => {
    const response = await fetch(`${server.url}/api/transforms`);
    assert.equal(response.status, 200);
    assert.ok(((await response.json()) as unknown[]).length >= 4);
    assert.equal(server.sessions.list().length, 0);
  });
});

describe('the JSON API', () => {
  it('unknown paths -> 404 with an error body', async () => {
    const response = await fetch(`${server.url}/etc/passwd`);
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { error: string }).error, /nothing at/);
  });
  it('a transform change for a session that does not exist -> 404', async () => {
    const response = await api(server, `/api/sessions/nope/transform`, { method: 'PUT', body: '{"id":"edges"}' });
    assert.equal(response.status, 404);
  });
});

describe('an offer that replaces a session (the camera page calling again after a drop)', () => {
  it("needs that session's own secret (403 otherwise, the session lives on); with it, closes that session before it answers", async () => {
    const clip = makeVp8Clip(320, 240, 30);
    const old = new BrowserlessPeer(clip);
    const again = new BrowserlessPeer(clip);
    const late = new BrowserlessPeer(clip);
    const thief = new BrowserlessPeer(clip);
    try {
      await old.connect(server.url, 'invert');
      const [{ id: oldId }] = (await (await api(server, '/api/sessions')).json()) as { id: string }[];
      assert.equal(old.session?.id, oldId);
      // Anyone with the pairing token may offer, but not end somebody else's call by naming its id.
      for (const secret of [undefined, 'x'.repeat(old.session!.secret.length)]) {
        const refused = await fetch(`${server.url}/offer`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sdp: await thief.offerSdp(), type: 'offer', replaces: oldId, ...(secret && { secret }) }),
        });
        assert.equal(refused.status, 403, `secret ${secret}`);
      }
      assert.ok(server.sessions.get(oldId), 'the call it tried to replace goes on');
      const response = await fetch(`${server.url}/offer`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          sdp: await again.offerSdp(),
          type: 'offer',
          video_transform: 'invert',
          replaces: oldId,
          secret: old.session!.secret,
        }),
      });
      assert.equal(response.status, 200);
      const { id: newId } = (await response.json()) as { id: string };
      const ids = ((await (await api(server, '/api/sessions')).json()) as { id: string }[]).map((s) => s.id);
      assert.deepEqual(ids, [newId]);
      // Replacing a session that is gone already is no error (its departure may have been noticed first).
      const stale = await fetch(`${server.url}/offer`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sdp: await late.offerSdp(), type: 'offer', replaces: oldId }),
      });
      assert.equal(stale.status, 200);
    } finally {
      await Promise.allSettled([old.close(), again.close(), late.close(), thief.close()]);
      for (const session of server.sessions.list()) await session.close();
    }
  });
});

describe('an offer whose peer never connects', () => {
  it('is closed after the connect timeout (no camera slot or codec worker held for ever), while a connected peer stays', async () => {
    const quick = await startTestServer({ connectTimeoutMs: 2000 });
    const clip = makeVp8Clip(320, 240, 30);
    const ghost = new BrowserlessPeer(clip);
    const live = new BrowserlessPeer(clip);
    try {
      // A client that posts its offer and never applies the answer: werift would check it for ever.
      const { id: ghostId } = await ghost.postOffer(quick.url, 'none');
      await live.connect(quick.url, 'edges');
      const ids = async () => ((await (await api(quick, '/api/sessions')).json()) as { id: string }[]).map((s) => s.id);
      assert.equal((await ids()).length, 2);
      // Its connect timeout is 2 s here: waited for, not slept through.
      for (const deadline = Date.now() + 6000; (await ids()).includes(ghostId) && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 100));
      const left = await ids();
      assert.ok(!left.includes(ghostId), 'the session that never connected is gone');
      assert.equal(left.length, 1, 'the connected camera is still served');
      const framesBefore = live.stats.framesReceived;
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(live.stats.framesReceived > framesBefore, 'and its processed frames keep coming');
    } finally {
      await Promise.allSettled([ghost.close(), live.close()]);
      await quick.close();
    }
  });
});
