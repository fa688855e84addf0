import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import type { Session } from '../../electron/core/session/session.js';
import { openCameraPage, waitForFrames } from '../support/browser.js';
import { api } from '../support/server.js';
import { useServerAndBrowser } from '../support/fixture.js';
import { pressAndWait } from '../support/app-pages.js';
import { installFakeCamera } from '../support/fake-camera.js';

let server: CamLoopServer;
let browser: Browser;
useServerAndBrowser({}, (s, b) => void ([server, browser] = [s, b]));

/** "Within a second" of the change, everywhere. */
const WITHIN_MS = 1000;

/**
 * Runs in a page: notes when (Date.now()) each filter state first shows in `select` and the param
 * controls beside it (the phone's form, the panel's card): what the user sees, timed in the page,
 * free of the test's polling.
 */
function trackShownFilter(select: string): void {
  const seen: Record<string, number> = {};
  (window as unknown as { filterSeen: Record<string, number> }).filterSeen = seen;
  setInterval(() => {
    for (const dropdown of document.querySelectorAll(select) as NodeListOf<HTMLSelectElement>) {
      // The panel's cards by camera id ("<id>:edges"); the phone's one form (":edges").
      const holder = dropdown.closest('form, .camera') as HTMLElement;
      const inputs = [...holder.querySelectorAll('.params input, #params input')] as HTMLInputElement[];
      for (const state of [dropdown.value, ...inputs.map((input) => `${dropdown.value} ${input.name}=${input.value}`)])
        seen[`${holder.dataset.id ?? ''}:${state}`] ??= Date.now();
    }
  }, 5);
}

/** When the page first showed `state` ("edges", "edges low=30") for `camera` (a panel card), waiting as long as a loaded machine needs. */
async function shownAt(page: Page, state: string, camera = ''): Promise<number> {
  const handle = await page.waitForFunction(
    (s) => (window as unknown as { filterSeen: Record<string, number> }).filterSeen[s],
    `${camera}:${state}`,
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Runs `change`, then returns how long after the core applied it each page showed `state` (the
 * slowest), and how long after the change was made (in a page, when it returns the time it made it
 * there; else when the test asked). The first is CamLoop's part; the test's own round trips and a
 * loaded machine's delays before the core sees the change are in the second only.
 */
async function seenEverywhere(
  session: Session,
  change: () => Promise<unknown>,
  pages: [Page, string?][],
  state: string,
): Promise<{ applied: number; made: number }> {
  let appliedAt = 0;
  session.onChange(() => (appliedAt ||= Date.now()));
  const before = Date.now();
  const made = await change();
  const start = typeof made === 'number' ? made : before;
  const shown = Math.max(...(await Promise.all(pages.map(([page, camera]) => shownAt(page, state, camera)))));
  assert.ok(appliedAt, 'the core applied the change');
  return { applied: shown - appliedAt, made: shown - start };
}

describe('one truth for each camera’s filter', () => {
  it('a change on the phone, in the panel or through the API shows on the phone and in the panel within a second', async () => {
    const panel = await browser.newPage();
    await panel.goto(server.panelUrl);
    const phone = await openCameraPage(browser, server.url, { transform: 'none' });
    try {
      await panel.waitForSelector('.camera .transform');
      await panel.evaluate(trackShownFilter, '.camera .transform');
      await phone.evaluate(trackShownFilter, '#transform');
      const [session] = server.sessions.list();
      const both: [Page, string?][] = [[phone], [panel, session.id]];
      /** Sets a control in `page` as its user does (the event its page listens to); returns when, in the page. */
      const set = (page: Page, selector: string, value: string | number, event: 'input' | 'change') =>
        page.evaluate(
          ([s, v, e]) => {
            const control = document.querySelector(s as string) as HTMLInputElement | HTMLSelectElement;
            control.value = String(v);
            const at = Date.now();
            control.dispatchEvent(new Event(e as string));
            return at;
          },
          [selector, value, event] as const,
        );
      const took: Record<string, { applied: number; made: number }> = {};
      took.phone = await seenEverywhere(session, () => set(phone, '#transform', 'cartoon', 'change'), both, 'cartoon');
      took.panel = await seenEverywhere(session, () => set(panel, '.camera .transform', 'edges', 'change'), both, 'edges');
      // A parameter moved on the phone (the slider's input event) shows in the panel's control.
      took.phoneParam = await seenEverywhere(session, () => set(phone, '#params input[name="low"]', 30, 'input'), both, 'edges low=30');
      took.api = await seenEverywhere(
        session,
        () =>
          api(server, `/api/sessions/${session.id}/transform`, {
            method: 'PUT',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ id: 'blur', params: { size: 31 } }),
          }),
        both,
        'blur size=31',
      );
      console.log(`a change seen everywhere after (ms): ${JSON.stringify(took)}`);
      assert.deepEqual(session.info().transform, [{ id: 'blur', params: { size: 31 } }]);
      for (const [how, ms] of Object.entries(took))
        assert.ok(ms.applied < WITHIN_MS, `a change made ${how === 'api' ? 'through the API' : `on the ${how}`}: ${JSON.stringify(ms)}`);
    } finally {
      await Promise.all([panel.close(), phone.close()]);
      await server.sessions.closeAll();
    }
  });

  it('a restored setting (the phone calls again, naming no filter) shows on the phone and in the panel within a second', async () => {
    const panel = await browser.newPage();
    await panel.goto(server.panelUrl);
    await panel.evaluate(trackShownFilter, '.camera .transform');
    const context = await browser.newContext();
    const page = async () => {
      const phone = await context.newPage();
      await phone.addInitScript(installFakeCamera);
      await phone.addInitScript(trackShownFilter, '#transform');
      await phone.goto(server.url);
      await phone.waitForFunction(() => (document.getElementById('transform') as HTMLSelectElement).options.length > 0);
      return phone;
    };
    try {
      const first = await page();
      await pressAndWait(first, '#start');
      await first.selectOption('#transform', 'pixelate');
      await first.waitForFunction(() => document.querySelector('#params input[name="block"]'));
      await first.evaluate(() => {
        const slider = document.querySelector('#params input[name="block"]') as HTMLInputElement;
        slider.value = '40';
        slider.dispatchEvent(new Event('input'));
      });
      await waitForFrames(first, 5);
      await first.close();
      // The same phone (its storage) opens the page again and starts: it names no filter.
      const again = await page();
      assert.equal(await again.inputValue('#transform'), 'none');
      await pressAndWait(again, '#start');
      const restored = server.sessions.list().at(-1)!;
      assert.deepEqual(restored.info().transform, [{ id: 'pixelate', params: { block: 40 } }]);
      // From the moment the core restored it (the session's creation) to each page showing it.
      const took = await Promise.all(
        ([[again], [panel, restored.id]] as const).map(
          async ([p, camera]) => (await shownAt(p, 'pixelate block=40', camera)) - restored.createdAt,
        ),
      );
      console.log(`a restored filter seen on the phone, in the panel after (ms): ${took.join(', ')}`);
      for (const ms of took) assert.ok(ms < WITHIN_MS, `${ms} ms`);
    } finally {
      await Promise.all([panel.close(), context.close()]);
      await server.sessions.closeAll();
    }
  });
});
