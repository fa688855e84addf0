import { EventEmitter } from 'node:events';

/**
 * A stand-in for the `electron` module, for running electron/main.ts in plain Node (as
 * electron/fiddle's tests mock Electron): it records what main.ts asks of Electron and lets the
 * test play Electron's part (events, paths, the single-instance lock). Mapped to `electron` by
 * electron-loader.ts; main.ts runs in a child process forked by the test (see electron-app.ts),
 * so that app.exit() really ends the process, as Electron's does: whatever main.ts has not done
 * by then is not done. It reports to the test and takes its commands over the fork's IPC channel.
 */
export const recorded = {
  windows: [] as FakeWindow[],
  exitCodes: [] as number[],
  quits: 0,
  errorBoxes: [] as [string, string][],
  openedExternal: [] as string[],
  certificateVerifyProc: undefined as
    undefined | ((request: { hostname: string; certificate: { fingerprint: string } }, callback: (verdict: number) => void) => void),
  permissionRequestHandler: undefined as
    undefined | ((contents: { getURL(): string }, permission: string, callback: (allowed: boolean) => void) => void),
  permissionCheckHandler: undefined as undefined | ((contents: unknown, permission: string, origin: string) => boolean),
};

class App extends EventEmitter {
  singleInstance = true;
  paths: Record<string, string> = {};

  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  getPath(name: string): string {
    const path = this.paths[name];
    if (!path) throw new Error(`the test gave no path for ${name}`);
    return path;
  }

  quit(): void {
    recorded.quits++;
    report({ event: 'quit' });
  }

  exit(code = 0): void {
    recorded.exitCodes.push(code);
    report({ event: 'exit', code });
    process.exit(code);
  }

  /** What Electron does on quit: 'before-quit' with an event that may be prevented. */
  requestQuit(): { defaultPrevented: boolean } {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('before-quit', event);
    return event;
  }
}

export const app = new App();

export class FakeWindow extends EventEmitter {
  url?: string;
  shown = 0;
  focused = 0;
  restored = 0;
  minimized = false;

  constructor(readonly options: unknown) {
    super();
    recorded.windows.push(this);
    report({ event: 'window', options });
  }

  loadURL(url: string): Promise<void> {
    this.url = url;
    report({ event: 'loadURL', url });
    return Promise.resolve();
  }

  show(): void {
    this.shown++;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.restored++;
  }

  focus(): void {
    this.focused++;
  }
}

export const BrowserWindow = FakeWindow;

export const dialog = {
  showErrorBox: (title: string, content: string) => {
    recorded.errorBoxes.push([title, content]);
    report({ event: 'errorBox', title, content });
  },
};

export const session = {
  defaultSession: {
    setCertificateVerifyProc: (proc: typeof recorded.certificateVerifyProc) => void (recorded.certificateVerifyProc = proc),
    setPermissionRequestHandler: (handler: typeof recorded.permissionRequestHandler) => void (recorded.permissionRequestHandler = handler),
    setPermissionCheckHandler: (handler: typeof recorded.permissionCheckHandler) => void (recorded.permissionCheckHandler = handler),
  },
};

export const shell = {
  openExternal: (url: string) => {
    recorded.openedExternal.push(url);
    return Promise.resolve();
  },
};

export type StubReport = { event: string; [key: string]: unknown };
export type StubCommand =
  | { command: 'emit'; target: 'app' | 'window'; name: string }
  | { command: 'requestQuit' }
  | { command: 'verifyCertificate'; hostname: string; fingerprint: string }
  | { command: 'minimize' }
  | { command: 'windowState' };

function report(message: StubReport): void {
  process.send?.(message);
}

// The test's side: paths and the lock come with the fork's environment, commands over IPC.
if (process.env.CAMLOOP_STUB_PATHS) app.paths = JSON.parse(process.env.CAMLOOP_STUB_PATHS) as Record<string, string>;
if (process.env.CAMLOOP_STUB_SECOND_INSTANCE) app.singleInstance = false;
process.on('message', (message: StubCommand) => {
  const window = recorded.windows[0];
  if (message.command === 'emit') (message.target === 'app' ? app : window)?.emit(message.name);
  else if (message.command === 'requestQuit') report({ event: 'quitRequested', defaultPrevented: app.requestQuit().defaultPrevented });
  else if (message.command === 'verifyCertificate') {
    recorded.certificateVerifyProc?.({ hostname: message.hostname, certificate: { fingerprint: message.fingerprint } }, (verdict) =>
      report({ event: 'verdict', verdict }),
    );
  } else if (message.command === 'minimize') {
    if (window) window.minimized = true;
  } else if (message.command === 'windowState') {
    report({ event: 'windowState', shown: window?.shown, focused: window?.focused, restored: window?.restored });
  }
});
// The IPC channel keeps a forked child alive; Electron's main process lives until app.exit too.
