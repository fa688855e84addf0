import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AccessControl } from '../../../electron/core/http/access.js';
import { handleWhip, type WhipContext } from '../../../electron/core/http/whip-routes.js';
import type { OfferRequest } from '../../../electron/core/session/offer-request.js';
import { Sessions } from '../../../electron/core/session/sessions.js';
import { IceServers } from '../../../electron/core/webrtc/ice-servers.js';
import { FakeSession, serveRoute } from '../../support/route-server.js';

const SDP = 'application/sdp';
const FRAG = 'application/trickle-ice-sdpfrag';
const VIDEO_OFFER =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=sendonly\r\n';
const AUDIO_OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';
const CANDIDATE =
  'm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:9 1 udp 2113937151 192.0.2.7 5000 typ host\r\na=end-of-candidates\r\n';

let ctx: WhipContext;
let base: string;
let close: () => Promise<void>;
/** What openCamera was asked, and the camera it made. */
let opened: { offer: OfferRequest; remoteAddress?: string; session: FakeSession }[];
let camera: FakeSession;

before(async () => {
  ctx = {
    sessions: new Sessions(),
    access: new AccessControl(),
    iceServers: new IceServers({ stun: ['stun:stun.example:3478'], turn: [] }),
    openCamera: async (offer: OfferRequest, req: IncomingMessage) => {
      const session = new FakeSession(`whip-${opened.length + 1}`, 'whip');
      ctx.sessions.add(session.asSession);
      opened.push({ offer, remoteAddress: req.socket.remoteAddress, session });
      return { session: session.asSession, sdp: `v=0\r\ns=answer ${session.id}\r\n` };
    },
  };
  ({ url: base, close } = await serveRoute((req, res) => handleWhip(ctx, req, res, new URL(req.url!, 'http://localhost'))));
});
after(() => close());
beforeEach(async () => {
  await ctx.sessions.closeAll();
  opened = [];
  camera = new FakeSession('cam-1', 'whip');
  ctx.sessions.add(camera.asSession);
});

function request(path: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  return fetch(`${base}${path}`, { method, headers, body });
}
const viewerAuth = () => ({ Authorization: `Bearer ${ctx.access.viewerToken}` });

describe('WHIP in (handleWhip)', () => {
  it('POST /whip makes a camera of an SDP offer: 201, the answer, its Location and ETag, the ICE servers, the filter from ?transform=', async () => {
    const created = await request('/whip?transform=edges', 'POST', { 'Content-Type': SDP }, VIDEO_OFFER);
    assert.equal(created.status, 201);
    assert.equal(await created.text(), 'v=0\r\ns=answer whip-1\r\n');
    assert.equal(created.headers.get('content-type'), SDP);
    assert.equal(created.headers.get('location'), '/whip/whip-1');
    assert.equal(created.headers.get('etag'), '"ufrag-whip-1"');
    assert.equal(created.headers.get('link'), '<stun:stun.example:3478>; rel="ice-server"');
    assert.equal(created.headers.get('access-control-allow-origin'), '*');
    const [{ offer, remoteAddress }] = opened as [(typeof opened)[0]];
    assert.equal(offer.sdp, VIDEO_OFFER);
    assert.deepEqual(offer.videoCodecs, ['vp8']);
    assert.equal(offer.videoSendOnly, true);
    assert.deepEqual(offer.videoTransform, [{ id: 'edges', params: { low: 100, high: 200 } }]);
    assert.equal(remoteAddress, '127.0.0.1');

    const chain = encodeURIComponent(JSON.stringify([{ id: 'blur', params: { size: 9 } }, 'invert']));
    assert.equal((await request(`/whip?transform=${chain}`, 'POST', { 'Content-Type': SDP }, VIDEO_OFFER)).status, 201);
    assert.deepEqual(
      opened[1]!.offer.videoTransform.map((c) => c.id),
      ['blur', 'invert'],
    );
    await request('/whip', 'POST', { 'Content-Type': SDP }, VIDEO_OFFER);
    assert.deepEqual(opened[2]!.offer.videoTransform, [{ id: 'none', params: {} }], 'no ?transform=: none');
  });

  it('refuses what is not a video offer: 415, 400, 405, and 403 for a foreign page without the pairing token', async () => {
    const status = async (path: string, method: string, headers: Record<string, string>, body?: string) =>
      (await request(path, method, headers, body)).status;
    assert.equal(await status('/whip', 'POST', { 'Content-Type': 'application/json' }, '{}'), 415);
    assert.equal(await status('/whip', 'POST', { 'Content-Type': SDP }, 'hello'), 400);
    const audio = await request('/whip', 'POST', { 'Content-Type': SDP }, AUDIO_OFFER);
    assert.equal(audio.status, 400);
    assert.match(((await audio.json()) as { error: string }).error, /must send video/);
    assert.equal(await status('/whip?transform=[oops', 'POST', { 'Content-Type': SDP }, VIDEO_OFFER), 400);
    assert.equal(await status('/whip?transform=nope', 'POST', { 'Content-Type': SDP }, VIDEO_OFFER), 400);
    const get = await request('/whip', 'GET');
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'OPTIONS, POST');
    const foreign = { 'Content-Type': SDP, Origin: 'https://evil.example' };
    assert.equal(await status('/whip', 'POST', foreign, VIDEO_OFFER), 403);
    assert.equal(opened.length, 0, 'no camera opened by any of them');
    const paired = { ...foreign, Authorization: `Bearer ${ctx.access.pairingToken}` };
    assert.equal(await status('/whip', 'POST', paired, VIDEO_OFFER), 201, 'the pairing token as Bearer is welcome from anywhere');
  });

  it('OPTIONS answers CORS preflights with what each resource accepts', async () => {
    const endpoint = await request('/whip', 'OPTIONS', { Origin: 'https://obs.example', 'Access-Control-Request-Method': 'POST' });
    assert.equal(endpoint.status, 204);
    assert.equal(endpoint.headers.get('access-control-allow-methods'), 'OPTIONS, POST');
    assert.match(endpoint.headers.get('access-control-allow-headers')!, /Authorization/);
    assert.equal(endpoint.headers.get('accept-post'), SDP);
    const resource = await request('/whip/cam-1', 'OPTIONS');
    assert.equal(resource.status, 204);
    assert.equal(resource.headers.get('allow'), 'OPTIONS, PATCH, DELETE');
    assert.equal(resource.headers.get('accept-patch'), FRAG);
    assert.match((await request('/whep/cam-1', 'OPTIONS')).headers.get('accept-post')!, /sdp/);
  });

  it('PATCH /whip/<id> trickles candidates (204 with the ETag); stale ETags are 412, ICE restarts 422, bad fragments 400', async () => {
    const patch = (headers: Record<string, string>, body: string, path = '/whip/cam-1') =>
      request(path, 'PATCH', { 'Content-Type': FRAG, ...headers }, body);
    const trickled = await patch({ 'If-Match': '"ufrag-cam-1"' }, CANDIDATE);
    assert.equal(trickled.status, 204);
    assert.equal(trickled.headers.get('etag'), '"ufrag-cam-1"');
    assert.deepEqual(camera.candidates, [
      { candidate: 'candidate:9 1 udp 2113937151 192.0.2.7 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' },
    ]);
    assert.equal((await patch({ 'If-Match': '"stale"' }, CANDIDATE)).status, 412);
    assert.equal((await patch({ 'If-Match': '*' }, 'a=ice-ufrag:new\r\na=ice-pwd:newpasswordnewpasswordnew\r\n')).status, 422);
    assert.equal((await patch({}, 'a=ice-ufrag:other\r\na=ice-pwd:otherpasswordotherpassword\r\n')).status, 422);
    assert.equal((await patch({}, 'a=ice-ufrag:publisher\r\na=end-of-candidates\r\n')).status, 204, 'the same credentials are no restart');
    assert.equal((await patch({}, 'garbage\r\n')).status, 400);
    assert.equal((await patch({ 'Content-Type': SDP }, CANDIDATE)).status, 415);
    camera.refuse = 'no such mid';
    const refused = await patch({}, CANDIDATE);
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: string }).error, /no such mid/);
    assert.equal(camera.candidates.length, 1, 'only the first one was added');
  });

  it('a WHIP resource is a WHIP session that exists: others are 404; DELETE ends it; other methods are 405', async () => {
    ctx.sessions.add(new FakeSession('phone-1', 'offer').asSession);
    assert.equal((await request('/whip/no-such', 'PATCH', { 'Content-Type': FRAG }, CANDIDATE)).status, 404);
    assert.equal((await request('/whip/phone-1', 'DELETE')).status, 404, "a phone's session is not a WHIP resource");
    assert.equal((await request('/whip/cam-1', 'GET')).status, 405);
    const foreign = await request('/whip/cam-1', 'DELETE', { Origin: 'https://evil.example' });
    assert.equal(foreign.status, 403, 'a foreign page cannot end it');
    assert.equal(camera.closed, false);
    assert.equal((await request('/whip/cam-1', 'DELETE')).status, 200);
    assert.equal(camera.closed, true);
    assert.equal((await request('/whip/cam-1', 'DELETE')).status, 404, 'gone');
  });

  it('leaves other paths to the caller', async () => {
    assert.deepEqual(
      await Promise.all(['/whipped', '/whip/a/b', '/whep', '/whep/a/b/c'].map(async (path) => (await request(path, 'GET')).status)),
      [404, 404, 404, 404],
    );
    const answered = await request('/whep/a/b/c', 'GET');
    assert.equal(answered.headers.get('access-control-allow-origin'), null, 'not even CORS headers');
  });
});

describe('WHEP out (handleWhip)', () => {
  it('POST /whep/<camera> with the viewer token adds a player: 201, its Location, ETag and answer', async () => {
    const created = await request('/whep/cam-1', 'POST', { 'Content-Type': SDP, ...viewerAuth() }, VIDEO_OFFER);
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/whep/cam-1/v1');
    assert.equal(created.headers.get('etag'), '"viewer-v1"');
    assert.equal(await created.text(), 'v=0\r\ns=answer to v1\r\n');
    assert.deepEqual(camera.viewerOffers, [{ sdp: VIDEO_OFFER, localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' }]);
  });

  it('needs the viewer token (401 with WWW-Authenticate), an existing camera (404), SDP (415, 400) and POST (405)', async () => {
    const post = (headers: Record<string, string>, body = VIDEO_OFFER, path = '/whep/cam-1') => request(path, 'POST', headers, body);
    const anonymous = await post({ 'Content-Type': SDP });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    for (const token of [ctx.access.controlToken, ctx.access.pairingToken])
      assert.equal((await post({ 'Content-Type': SDP, Authorization: `Bearer ${token}` })).status, 401, 'only the viewer token');
    assert.equal((await post({ 'Content-Type': SDP, ...viewerAuth() }, VIDEO_OFFER, '/whep/no-such')).status, 404);
    assert.equal((await post({ 'Content-Type': 'text/plain', ...viewerAuth() })).status, 415);
    assert.equal((await post({ 'Content-Type': SDP, ...viewerAuth() }, 'not sdp')).status, 400);
    assert.equal((await request('/whep/cam-1', 'GET', viewerAuth())).status, 405);
    assert.equal(camera.viewerOffers.length, 0);
  });

  it('PATCH and DELETE /whep/<camera>/<viewer> need the viewer token and a viewer that exists', async () => {
    await request('/whep/cam-1', 'POST', { 'Content-Type': SDP, ...viewerAuth() }, VIDEO_OFFER);
    const viewer = camera.viewers.get('v1')!;
    const patch = (headers: Record<string, string>) => request('/whep/cam-1/v1', 'PATCH', { 'Content-Type': FRAG, ...headers }, CANDIDATE);
    assert.equal((await patch({})).status, 401);
    assert.equal((await patch({ ...viewerAuth(), 'If-Match': '"viewer-v1"' })).status, 204);
    assert.equal(viewer.candidates.length, 1);
    assert.equal((await patch({ ...viewerAuth(), 'If-Match': '"ufrag-cam-1"' })).status, 412, "the camera's ETag is not the viewer's");
    assert.equal((await request('/whep/cam-1/v2', 'DELETE', viewerAuth())).status, 404);
    assert.equal((await request('/whep/cam-1/v1', 'DELETE')).status, 401);
    assert.equal(viewer.closed, false);
    assert.equal((await request('/whep/cam-1/v1', 'DELETE', viewerAuth())).status, 200);
    assert.equal(viewer.closed, true);
  });
});
