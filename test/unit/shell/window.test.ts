import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMainWindowOptions, guardWebContents, isPanelUrl, isPermissionAllowed } from '../../../electron/window.js';

const PANEL = 'https://127.0.0.1:8443/panel#token=abc';

describe('main window', () => {
  it('is hardened: isolated, sandboxed, no Node, web security on, no webviews', () => {
    const { show, webPreferences: prefs = {} } = getMainWindowOptions();
    assert.equal(show, false, 'shown once ready (no white flash)');
    for (const key of ['contextIsolation', 'sandbox', 'webSecurity'] as const) assert.equal(prefs[key], true, key);
    const off = [
      'nodeIntegration',
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'allowRunningInsecureContent',
      'webviewTag',
      'experimentalFeatures',
      'navigateOnDragDrop',
    ] as const;
    for (const key of off) assert.equal(prefs[key], false, key);
    assert.equal(prefs.preload, undefined, 'no preload script: the panel gets no Node API');
  });

  it('knows the panel only by origin and path', () => {
    assert.equal(isPanelUrl('https://127.0.0.1:8443/panel', PANEL), true);
    assert.equal(isPanelUrl('https://127.0.0.1:8443/panel#token=other', PANEL), true);
    assert.equal(isPanelUrl('https://127.0.0.1:8443/', PANEL), false);
    assert.equal(isPanelUrl('https://127.0.0.1:9999/panel', PANEL), false);
    assert.equal(isPanelUrl('https://evil.example/panel', PANEL), false);
    assert.equal(isPanelUrl('javascript:alert(1)', PANEL), false);
  });

  it('grants the panel only clipboard writes; nothing to anyone else', () => {
    assert.equal(isPermissionAllowed('clipboard-sanitized-write', PANEL, PANEL), true);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'hid', 'serial', 'clipboard-read']) {
      assert.equal(isPermissionAllowed(permission, PANEL, PANEL), false, permission);
    }
    assert.equal(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', PANEL), false);
  });

  it('denies window.open (web links go to the browser) and navigation away from the panel', () => {
    const handlers: Record<string, (event: { preventDefault(): void }, url: string) => void> = {};
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const opened: string[] = [];
    const contents = {
      setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
      on: (event: string, handler: (typeof handlers)[string]) => ((handlers[event] = handler), contents),
    };
    guardWebContents(contents as never, PANEL, (url) => opened.push(url));

    assert.deepEqual(openHandler!({ url: 'https://example.org/docs' }), { action: 'deny' });
    assert.deepEqual(openHandler!({ url: 'file:///etc/passwd' }), { action: 'deny' });
    assert.deepEqual(opened, ['https://example.org/docs'], 'only http(s) links go to the system browser');

    const navigate = (event: string, url: string) => {
      let prevented = false;
      handlers[event]({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    assert.equal(navigate('will-navigate', 'https://evil.example/'), true);
    assert.equal(navigate('will-redirect', 'https://127.0.0.1:8443/offer'), true);
    assert.equal(navigate('will-navigate', 'https://127.0.0.1:8443/panel'), false);
    assert.equal(navigate('will-attach-webview', ''), true);
  });
});
