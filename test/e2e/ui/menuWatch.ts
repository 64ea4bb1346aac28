/**
 * What happened around a context menu in the workbench page, for a menu that closed without running its item: the
 * focus moves, blurs and pointer presses from the right-click on (the menu closes when the focus leaves it, or on a
 * press outside it; a press names the item it landed on), and what shows after (a picker: the command ran without its
 * tree item; a notification).
 */
import type { Page } from 'playwright-core';

// As strings: the page has no `__name`, which the bundler wraps named functions in.
const WATCH = `(() => {
  window.__menuWatch?.stop();
  const t0 = performance.now();
  const events = [];
  const at = () => Math.round(performance.now() - t0) + ' ms';
  const describe = (t) => (t instanceof Element ? t.tagName.toLowerCase() + '.' + [...t.classList].slice(0, 3).join('.') : t === window ? 'window' : 'document');
  const say = (e) => events.push(at() + ' ' + e.type + ' ' + describe(e.target));
  // Where the pointer's buttons land: on which item, and whether inside the menu (a press outside closes it).
  const press = (e) => {
    const t = e.target instanceof Element ? e.target : undefined;
    const item = t?.closest('.action-item');
    events.push(at() + ' ' + e.type + '(' + e.button + ') ' + (t ? describe(t) : 'nothing') + (item ? ' on "' + (item.textContent ?? '').trim() + '"' : '') + (t?.closest('.context-view') ? ' in the menu' : ''));
  };
  let shown = false;
  let shownAt;
  const menu = new MutationObserver(() => {
    const now = document.querySelector('.context-view .monaco-menu') !== null;
    if (now !== shown) events.push(at() + ' menu ' + (now ? 'shown' : 'gone'));
    if (now && !shown) shownAt = performance.now();
    shown = now;
  });
  menu.observe(document.body, { childList: true, subtree: true });
  const kinds = { blur: say, focusin: say, mousedown: press, mouseup: press };
  for (const [kind, f] of Object.entries(kinds)) window.addEventListener(kind, f, true);
  window.__menuWatch = { events, describe, shownFor: () => (shown && shownAt !== undefined ? performance.now() - shownAt : -1), stop: () => { menu.disconnect(); for (const [kind, f] of Object.entries(kinds)) window.removeEventListener(kind, f, true); } };
})()`;

const REPORT = `(() => {
  const watch = window.__menuWatch;
  watch?.stop();
  window.__menuWatch = undefined;
  const picker = document.querySelector('.quick-input-widget');
  const pickerShown = picker !== null && picker.style.display !== 'none' && picker.offsetParent !== null;
  const toasts = [...document.querySelectorAll('.notification-toast .notification-list-item-message')].map((n) => n.textContent ?? '');
  return [
    'events: ' + ((watch?.events ?? []).join('; ') || 'none'),
    'focus now: ' + (watch && document.activeElement ? watch.describe(document.activeElement) : 'none'),
    'picker: ' + (pickerShown ? 'shown (' + (picker.querySelector('input')?.getAttribute('placeholder') ?? '') + ')' : 'none'),
    'notifications: ' + (toasts.length > 0 ? toasts.join(' | ') : 'none'),
  ].join('; ');
})()`;

/** Starts noting focus moves, blurs and the menu's coming and going in the page (a right-click is about to open it). */
export async function watchMenu(page: Page): Promise<void> {
  await page.evaluate(WATCH);
}

/** Stops the watch watchMenu started (its observer of the whole workbench). */
export async function unwatchMenu(page: Page): Promise<void> {
  await page.evaluate('window.__menuWatch?.stop(); window.__menuWatch = undefined;');
}

/**
 * Resolves once the menu has been shown for `ms` (its page's clock): VS Code's menu items take a mouseup only 100 ms
 * after the menu renders, on a timer of its own that nothing in the page shows.
 */
export async function menuShownFor(page: Page, ms: number): Promise<void> {
  await page.waitForFunction(`(window.__menuWatch?.shownFor() ?? -1) >= ${ms}`, undefined, { timeout: 5_000, polling: 20 });
}

/** What was noted since watchMenu, and what shows now; the watch stops. */
export async function menuReport(page: Page): Promise<string> {
  return String(await page.evaluate(REPORT));
}
