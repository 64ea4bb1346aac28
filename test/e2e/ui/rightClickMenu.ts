// Right-click → an item of the context menu, as a person does it, robust to VS Code's menu timing.
import type { Locator, Page } from 'playwright-core';
import { menuReport, menuShownFor, unwatchMenu, watchMenu } from './menuWatch';

/**
 * The pointer moves onto the item (it takes the menu's focus), then clicks once the menu has been shown for 150 ms:
 * VS Code's menu items only listen for mouseup 100 ms after the menu renders (so the right-click's own release cannot
 * pick an item), and a click inside that window is ignored. Should the menu still be open after the click all the
 * same, Enter runs the focused item, as the keyboard would.
 *
 * Tried again (up to three times, Escape between) only while the click has not reached the item: the menu closed
 * before it (the Markets view redraws its rows as tickers and reconnects come) or did not open. Once the menu closed on
 * the click, VS Code has run the item, however late its effect: on a loaded machine a tab came 15 s after the click,
 * and a second run would then only bring forward the panel the first opened (Open Footprint Chart does), so no new tab
 * would ever come. So the item is never run twice; `ran`, when given, waits for its visible effect (rejecting if it
 * does not come, with what the page saw around the menu).
 */
export async function rightClickMenu(page: Page, target: Locator, item: string | RegExp, log: (line: string) => void, ran?: () => Promise<unknown>): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item', { hasText: item }).first();
  for (let attempt = 1; ; attempt++) {
    try {
      await watchMenu(page);
      await target.click({ button: 'right', timeout: 5_000 });
      await entry.hover({ timeout: 5_000 });
      await menu.locator('.action-item.focused', { hasText: item }).first().waitFor({ timeout: 5_000 });
      await menuShownFor(page, 150);
      await entry.click({ timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt >= 3) throw new Error(`"${String(item)}": the menu went before its item was clicked, three times (${String(err).split('\n')[0]}; ${await menuReport(page).catch((e: unknown) => String(e))})`, { cause: err });
      log(`[e2e] "${String(item)}": the menu went before its item was clicked (${String(err).split('\n')[0]}; ${await menuReport(page).catch((e: unknown) => String(e))}); right-click again`);
      await page.keyboard.press('Escape');
    }
  }
  try {
    const closed = await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(
      () => true,
      () => false,
    );
    if (!closed) {
      log(`[e2e] "${String(item)}": the menu stayed open after the click; Enter on the focused item`);
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
    }
    // The pointer, left where the item was, hovers whatever is under it now (a tree row's "Add Favourite", with its
    // tooltip, was in the screenshots after it).
    await restPointer(page);
    if (!ran) return;
    await ran().catch(async (err: unknown) => {
      throw new Error(`"${String(item)}": its menu closed on the click, but its effect did not show (${String(err).split('\n')[0]}; ${await menuReport(page).catch((e: unknown) => String(e))})`, { cause: err });
    });
  } finally {
    await unwatchMenu(page).catch(() => undefined);
  }
}

/**
 * Moves the pointer where it hovers nothing: the activity bar's widest empty stretch (between its views' icons and
 * the account and settings ones); resolves once no hover (a tooltip) shows.
 */
export async function restPointer(page: Page): Promise<void> {
  const spot = await page.evaluate(() => {
    const bar = document.querySelector('.part.activitybar')?.getBoundingClientRect();
    if (!bar) return undefined;
    const edges = [bar.top, ...[...document.querySelectorAll('.part.activitybar .action-item')].flatMap((el) => { const r = el.getBoundingClientRect(); return r.height > 0 ? [r.top, r.bottom] : []; }), bar.bottom].sort((a, b) => a - b);
    let gap = { from: bar.top, to: bar.top };
    for (let i = 1; i < edges.length; i++) if (edges[i]! - edges[i - 1]! > gap.to - gap.from) gap = { from: edges[i - 1]!, to: edges[i]! };
    return { x: bar.left + bar.width / 2, y: (gap.from + gap.to) / 2 };
  });
  if (!spot) throw new Error('no activity bar to rest the pointer on');
  await page.mouse.move(spot.x, spot.y);
  await page.waitForFunction(() => ![...document.querySelectorAll<HTMLElement>('.workbench-hover, .monaco-hover')].some((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'), undefined, { timeout: 5_000, polling: 100 });
}
