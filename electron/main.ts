import { join } from 'node:path';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { createLogger } from './core/base/log.js';
import { startServer, type CamLoopServer } from './core/http/server.js';
import { loadOrCreateCertificate, type TlsFiles } from './core/http/tls.js';
import { getMainWindowOptions, guardWebContents, isPermissionAllowed } from './window.js';

/**
 * Electron lifecycle only: one instance, start the core (same code as `npm start`), open the
 * panel window, close every session on quit. Everything else lives in ./core.
 */
const PORT = Number(process.env.CAMLOOP_PORT ?? 8443);

let server: CamLoopServer | undefined;
let window: BrowserWindow | undefined;

async function startCore(): Promise<{ server: CamLoopServer; tls: TlsFiles }> {
  const data = app.getPath('userData');
  const tls = await loadOrCreateCertificate(data);
  const options = {
    host: '0.0.0.0',
    port: PORT,
    log: createLogger(process.argv.includes('--verbose')),
    tls,
    pluginsDir: join(data, 'plugins'),
    dataDir: data,
    videosDir: join(app.getPath('videos'), 'CamLoop'),
  };
  try {
    return { server: await startServer(options), tls };
  } catch (error) {
    // Port taken (another app): any free port works, the QR code carries it.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return { server: await startServer({ ...options, port: 0 }), tls };
  }
}

function setupSecurity(tls: TlsFiles, panelUrl: string): void {
  // Trust our own self-signed certificate, and only it, for the panel's loopback origin.
  session.defaultSession.setCertificateVerifyProc((request, callback) => {
    callback(
      request.hostname === '127.0.0.1' &&
        request.certificate.fingerprint === `sha256/${Buffer.from(tls.fingerprint.replace(/:/g, ''), 'hex').toString('base64')}`
        ? 0
        : -3,
    );
  });
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) =>
    callback(isPermissionAllowed(permission, contents.getURL(), panelUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, origin) =>
    isPermissionAllowed(permission, `${origin}/panel`, panelUrl),
  );
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, panelUrl, (url) => void shell.openExternal(url)));
}

function openWindow(panelUrl: string): void {
  window = new BrowserWindow(getMainWindowOptions());
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = undefined));
  void window.loadURL(panelUrl);
}

export async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  await app.whenReady();
  let core: Awaited<ReturnType<typeof startCore>>;
  try {
    core = await startCore();
  } catch (error) {
    dialog.showErrorBox('CamLoop cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  server = core.server;
  setupSecurity(core.tls, server.panelUrl);
  openWindow(server.panelUrl);
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !server) return;
    event.preventDefault();
    quitting = true;
    void server.close().finally(() => app.exit(0));
  });
}

void main();
