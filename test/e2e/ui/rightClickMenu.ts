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
    if (!ran) return;
    await ran().catch(async (err: unknown) => {
      throw new Error(`"${String(item)}": its menu closed on the click, but its effect did not show (${String(err).split('\n')[0]}; ${await menuReport(page).catch((e: unknown) => String(e))})`, { cause: err });
    });
  } finally {
    await unwatchMenu(page).catch(() => undefined);
  }
}

