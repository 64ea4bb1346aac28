// Right-click → an item of the context menu, as a person does it, robust to VS Code's menu timing.
import type { Locator, Page } from 'playwright-core';

/**
 * The pointer moves onto the item (it takes the menu's focus), then clicks. VS Code's menu items only listen for
 * mouseup 100 ms after the menu renders (so the right-click's own release cannot pick an item); a click inside that
 * window is ignored and the menu stays open with the item focused. So when the menu is still open after the click,
 * Enter runs the focused item, as the keyboard would. Up to three tries, Escape between them.
 */
export async function rightClickMenu(page: Page, target: Locator, item: string | RegExp, log: (line: string) => void): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item', { hasText: item }).first();
  for (let attempt = 1; ; attempt++) {
    try {
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
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}
