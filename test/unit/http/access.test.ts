import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { AccessControl } from '../../../electron/core/http/access.js';
import { HttpError } from '../../../electron/core/base/http-error.js';

function request(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers: { host: '127.0.0.1:8080', ...headers } } as unknown as IncomingMessage;
}

function status(fn: () => void): number {
  try {
    fn();
    return 200;
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return error.status;
  }
}

describe('AccessControl', () => {
  const access = new AccessControl();
  const bearer = { authorization: `Bearer ${access.controlToken}` };

  it('control API: loopback + Host + token -> allowed', () => {
    assert.equal(
      status(() => access.checkControl(request('127.0.0.1', bearer))),
      200,
    );
    assert.equal(
      status(() => access.checkControl(request('::1', { ...bearer, host: '[::1]:8080' }))),
      200,
    );
    assert.equal(
      status(() =>
        access.checkControl(request('::ffff:127.0.0.1', { ...bearer, host: 'localhost:8080', origin: 'http://localhost:8080' })),
      ),
      200,
    );
  });
  it('control API: missing or wrong token -> 401', () => {
    assert.equal(
      status(() => access.checkControl(request('127.0.0.1'))),
      401,
    );
    assert.equal(
      status(() => access.checkControl(request('127.0.0.1', { authorization: 'Bearer nope' }))),
      401,
    );
    assert.equal(
      status(() => access.checkControl(request('127.0.0.1', { authorization: access.controlToken }))),
      401,
    );
  });
  it('control API: from another machine, a foreign Origin, or a rebound Host -> 403, even with the token', () => {
    assert.equal(
      status(() => access.checkControl(request('192.168.1.20', bearer))),
      403,
    );
    assert.equal(
      status(() => access.checkControl(request('127.0.0.1', { ...bearer, origin: 'https://evil.example' }))),
      403,
    );
    assert.equal(
      status(() => access.checkControl(request('127.0.0.1', { ...bearer, host: 'evil.example:8080' }))),
      403,
    );
    assert.equal(
      status(() => access.checkControl(request('127.0.0.1', { ...bearer, origin: 'null' }))),
      403,
    );
  });
  it('offers: loopback needs no token; the LAN needs the current pairing token', () => {
    assert.equal(
      status(() => access.checkOffer(request('127.0.0.1'), undefined)),
      200,
    );
    assert.equal(
      status(() => access.checkOffer(request('192.168.1.20'), undefined)),
      401,
    );
    assert.equal(
      status(() => access.checkOffer(request('192.168.1.20'), 'guess')),
      401,
    );
    const old = access.pairingToken;
    assert.equal(
      status(() => access.checkOffer(request('192.168.1.20'), old)),
      200,
    );
    access.rotatePairingToken();
    assert.equal(
      status(() => access.checkOffer(request('192.168.1.20'), old)),
      401,
      'a rotated token no longer pairs',
    );
    assert.equal(
      status(() => access.checkOffer(request('192.168.1.20'), access.pairingToken)),
      200,
    );
  });
  it("offers without the token: this machine's own pages only (no foreign Origin, no rebound Host) -> 403 otherwise", () => {
    assert.equal(
      status(() => access.checkOffer(request('127.0.0.1', { origin: 'http://127.0.0.1:8080' }), undefined)),
      200,
      'our own camera page',
    );
    assert.equal(
      status(() => access.checkOffer(request('127.0.0.1', { origin: 'http://localhost:8081' }), undefined)),
      200,
      "aiortc's client served on this machine",
    );
    assert.equal(
      status(() => access.checkOffer(request('127.0.0.1', { origin: 'https://evil.example' }), undefined)),
      403,
      'any site the user visits',
    );
    assert.equal(
      status(() => access.checkOffer(request('127.0.0.1', { origin: 'null' }), undefined)),
      403,
      'a sandboxed frame or a file: page',
    );
    assert.equal(
      status(() => access.checkOffer(request('127.0.0.1', { host: 'evil.example:8080' }), undefined)),
      403,
      'DNS rebinding',
    );
    assert.equal(
      status(() => access.checkOffer(request('127.0.0.1', { origin: 'https://evil.example' }), access.pairingToken)),
      200,
      'the pairing token opens the door',
    );
  });
});
