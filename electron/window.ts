import type { BrowserWindowConstructorOptions, WebContents } from 'electron';

/** The desktop window. Pure, so tests assert every security setting without an Electron binary. */
export function getMainWindowOptions(): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 520,
    title: 'CamLoop',
    backgroundColor: '#15171a',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** The panel may only ever show itself: same origin, the /panel page. */
export function isPanelUrl(url: string, panelUrl: string): boolean {
  try {
    const target = new URL(url);
    const panel = new URL(panelUrl);
    return target.origin === panel.origin && target.pathname === panel.pathname;
  } catch {
    return false;
  }
}

/** Only what the panel uses: writing the phone link to the clipboard. No camera, mic, geolocation... */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string, panelUrl: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isPanelUrl(requestingUrl, panelUrl);
}

/**
 * Denies window.open (links to the web open in the user's browser, http(s) only) and any
 * navigation away from the panel.
 */
export function guardWebContents(
  contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>,
  panelUrl: string,
  openExternal: (url: string) => void,
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url) && !isPanelUrl(url, panelUrl)) openExternal(url);
    return { action: 'deny' };
  });
  const stayOnPanel = (event: { preventDefault(): void }, url: string) => {
    if (!isPanelUrl(url, panelUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnPanel);
  contents.on('will-redirect', stayOnPanel);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
