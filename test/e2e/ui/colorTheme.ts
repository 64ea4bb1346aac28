/** Picks a colour theme as a user does ("Preferences: Color Theme"); the workbench and webviews restyle in place. */
import type { Page } from 'playwright-core';

export const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;

export async function setColorTheme(page: Page, theme: keyof typeof THEMES): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const deadline = Date.now() + 45_000;
  for (;;) {
    try {
      if (!(await widget.isVisible())) await page.keyboard.press('F1');
      await input.fill('>Preferences: Color Theme', { timeout: 5_000 });
      await widget.locator('.monaco-list-row', { hasText: 'Preferences: Color Theme' }).first().click({ timeout: 5_000 });
      await widget.locator('input[placeholder*="Color Theme"]').waitFor({ timeout: 5_000 });
      // The picker lists "Light Modern" for the setting value "Default Light Modern".
      const label = THEMES[theme].replace(/^Default /, '');
      await input.fill(label, { timeout: 5_000 });
      await widget.locator('.monaco-list-row', { hasText: label }).first().waitFor({ timeout: 5_000 });
      await page.keyboard.press('Enter');
      await page.locator(theme === 'light' ? '.monaco-workbench.vs' : '.monaco-workbench.vs-dark').first().waitFor({ timeout: 10_000 });
      // The picker previews the theme it focuses: the class may be there before Enter closed it. Closing gives the
      // focus back to where it was; a step after this one must not start before (a menu it opened would lose it).
      await widget.waitFor({ state: 'hidden', timeout: 10_000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.keyboard.press('Escape');
    }
  }
}
