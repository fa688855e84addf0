import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { packagePath } from '../base/paths.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const PAGE_CSP =
  "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** URL path -> file under the package root. An allow-list: nothing else on disk is ever served. */
const ROUTES: Record<string, string> = {
  '/': 'renderer/phone/index.html',
  '/phone.js': 'renderer/phone/phone.js',
  '/phone.css': 'renderer/phone/phone.css',
  '/shared/params.js': 'renderer/shared/params.js',
  '/shared/frame-rate-follower.js': 'renderer/shared/frame-rate-follower.js',
  '/shared/ice-gathering.js': 'renderer/shared/ice-gathering.js',
  '/shared/results-view.js': 'renderer/shared/results-view.js',
  '/shared/figures.js': 'renderer/shared/figures.js',
  '/shared/stats-overlay.js': 'renderer/shared/stats-overlay.js',
  '/shared/call-end.js': 'renderer/shared/call-end.js',
  '/call-setup.js': 'renderer/phone/call-setup.js',
  '/panel': 'renderer/panel/index.html',
  '/panel.js': 'renderer/panel/panel.js',
  '/panel.css': 'renderer/panel/panel.css',
  '/event-stream.js': 'renderer/panel/event-stream.js',
  '/graphs.js': 'renderer/panel/graphs.js',
  '/pairing.js': 'renderer/panel/pairing.js',
  '/preview.js': 'renderer/panel/preview.js',
  '/settings.js': 'renderer/panel/settings.js',
  // The panel's chart library (uPlot, MIT), as its package ships it.
  '/shared/uplot.js': 'node_modules/uplot/dist/uPlot.esm.js',
  '/uplot.css': 'node_modules/uplot/dist/uPlot.min.css',
  '/certificate': 'renderer/help/certificate.html',
  '/view': 'renderer/view/index.html',
  '/view.js': 'renderer/view/view.js',
  '/view.css': 'renderer/view/view.css',
};

/** `/view/<camera id>`: the player page of one camera's processed video (see renderer/view). */
const VIEW_PAGE = /^\/view\/[\w-]{1,64}$/;

export function isStaticRoute(path: string): boolean {
  return Object.hasOwn(ROUTES, path) || VIEW_PAGE.test(path);
}

export async function sendStatic(res: ServerResponse, path: string): Promise<void> {
  const file = ROUTES[VIEW_PAGE.test(path) ? '/view' : path];
  const body = await readFile(packagePath(file));
  res.writeHead(200, {
    'Content-Type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Content-Security-Policy': PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  res.end(body);
}
