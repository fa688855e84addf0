import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HttpError } from '../../../electron/core/base/http-error.js';
import { AccessControl } from '../../../electron/core/http/access.js';
import { handleSessionIce, type SessionIceContext } from '../../../electron/core/http/session-ice.js';
import { Sessions } from '../../../electron/core/session/sessions.js';
import { FakeSession, serveRoute } from '../../support/route-server.js';

const OFFER = 'v=0\r\ns=-\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=ice-ufrag:next\r\na=ice-pwd:next-password-next-password\r\n';

let ctx: SessionIceContext & { sessions: Sessions };
let base: string;
let close: () => Promise<void>;
let camera: FakeSession;

before(async () => {
  ctx = { access: new AccessControl(), sessions: new Sessions() };
  ({ url: base, close } = await serveRoute((req, res) => handleSessionIce(ctx, req, res, new URL(req.url!, 'http://localhost'))));
});
after(() => close());
beforeEach(async () => {
  await ctx.sessions.closeAll();
  camera = new FakeSession('cam-1');
  ctx.sessions.add(camera.asSession);
});

const restart = (body: object, path = '/api/sessions/cam-1/ice') =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /api/sessions/<id>/ice (the camera page restarting ICE on its call)', () => {
  it('answers the restart offer on the same session, given its secret', async () => {
    const response = await restart({ sdp: OFFER, type: 'offer', secret: camera.secret });
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { sdp: string; type: string; id: string };
    assert.equal(answer.type, 'answer');
    assert.equal(answer.id, 'cam-1');
    assert.match(answer.sdp, /a=ice-ufrag:ufrag-cam-1-r1/);
    assert.deepEqual(
      camera.restarts.map((r) => r.sdp),
      [OFFER],
    );
  });

  it('403 without the secret or with another one (the call untouched); 404 for an unknown call', async () => {
    const other = new FakeSession('cam-2');
    ctx.sessions.add(other.asSession);
    assert.equal((await restart({ sdp: OFFER, type: 'offer' })).status, 403);
    assert.equal((await restart({ sdp: OFFER, type: 'offer', secret: other.secret })).status, 403, "another call's secret");
    assert.equal((await restart({ sdp: OFFER, type: 'offer', secret: camera.secret.replace(/.$/, '?') })).status, 403);
    assert.equal((await restart({ sdp: OFFER, type: 'offer', secret: 42 })).status, 403);
    assert.equal(camera.restarts.length, 0);
    assert.equal(camera.closed, false);
    assert.equal((await restart({ sdp: OFFER, type: 'offer', secret: camera.secret }, '/api/sessions/nope/ice')).status, 404);
  });

  it('400 for a body that is not a restart offer, or one the session refuses (the call goes on); 405 for GET', async () => {
    assert.equal((await restart({ sdp: OFFER, type: 'answer', secret: camera.secret })).status, 400);
    assert.equal((await restart({ type: 'offer', secret: camera.secret })).status, 400);
    camera.refuseRestart = new HttpError(400, 'not an ICE restart: the offer needs a new ice-ufrag and ice-pwd');
    const refused = await restart({ sdp: OFFER, type: 'offer', secret: camera.secret });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: string }).error, /not an ICE restart/);
    assert.equal(camera.closed, false);
    assert.equal((await fetch(`${base}/api/sessions/cam-1/ice`)).status, 405);
  });
});
