// Right-click → an item of the context menu, as a person does it, robust to VS Code's menu timing.
import type { Locator, Page } from 'playwright-core';
import { menuReport, watchMenu } from './menuWatch';

/**
 * The pointer moves onto the item (it takes the menu's focus), then clicks. VS Code's menu items only listen for
 * mouseup 100 ms after the menu renders (so the right-click's own release cannot pick an item); a click inside that
 * window is ignored and the menu stays open with the item focused. So when the menu is still open after the click,
 * Enter runs the focused item, as the keyboard would. Up to three tries, Escape between them.
 *
 * A menu that closed is not proof its item ran: the menu also closes when something else takes the focus or redraws
 * under it (the Markets view redraws its rows as tickers and reconnects come), and an ignored early click followed by
 * such a close ran nothing; the tree's row was left focused and no tab opened (the aggregate e2e's footprint and
 * time & sales steps). `ran`, when given, waits for the item's effect (rejecting if it does not come): without it,
 * the right-click is tried again.
 */
export async function rightClickMenu(page: Page, target: Locator, item: string | RegExp, log: (line: string) => void, ran?: () => Promise<unknown>): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item', { hasText: item }).first();
  for (let attempt = 1; ; attempt++) {
    try {
      if (ran) await watchMenu(page);
      await target.click({ button: 'right', timeout: 5_000 });
      await entry.hover({ timeout: 5_000 });
      await menu.locator('.action-item.focused', { hasText: item }).first().waitFor({ timeout: 5_000 });
      await entry.click({ timeout: 5_000 });
      const closed = await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(
        () => true,
        () => false,
      );
      if (!closed) {
        log(`[e2e] "${String(item)}": the click came inside the menu's first 100 ms; Enter on the focused item`);
        await page.keyboard.press('Enter');
        await menu.waitFor({ state: 'hidden', timeout: 5_000 });
      }
      if (ran) {
        await ran().catch(async (err: unknown) => {
          log(`[e2e] "${String(item)}": its menu closed but it did not run (${String(err).split('\n')[0]}; ${await menuReport(page).catch((e: unknown) => String(e))}); right-click again`);
          throw err;
        });
      }
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}
