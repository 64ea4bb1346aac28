/** Picks a colour theme as a user does ("Preferences: Color Theme"); the workbench and webviews restyle in place. */
import type { Page } from 'playwright-core';
import { webviewFrame } from '../runner';

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

/**
 * Resolves once each shown TradeSuite webview has taken `theme` and painted with it: VS Code gave its page the theme's
 * body class, a chart applied it (its body's `data-theme`), a heatmap drew again since (its canvas is painted by the
 * page, not styled); then two frames, so what changed is on screen. A hidden webview's page is discarded: none to wait for.
 */
export async function webviewsRestyled(page: Page, theme: keyof typeof THEMES, timeoutMs = 10_000): Promise<void> {
  const webviews = page.locator('iframe.webview.ready[src*="extensionId=tradesuite.tradesuite"]');
  const n = await webviews.count();
  for (let index = 0; index < n; index++) {
    // A page kept while hidden paints no frame until shown again, and is not in the screenshot.
    if (!(await webviews.nth(index).isVisible())) continue;
    const frame = await webviewFrame(page, { extensionId: 'tradesuite.tradesuite', index, timeoutMs });
    // Polled on a timer (not by frames): a page that paints no frame would never be looked at again.
    await frame.waitForFunction((kind) => document.body.classList.contains(`vscode-${kind}`) && (document.body.dataset.kind !== 'chart' || document.body.dataset.theme === kind), theme, { timeout: timeoutMs, polling: 100 });
    if ((await frame.evaluate(() => document.body.dataset.kind)) === 'heatmap') {
      const draws = await frame.evaluate(() => Number(document.body.dataset.draws ?? 0));
      await frame.waitForFunction((before) => Number(document.body.dataset.draws ?? 0) > before, draws, { timeout: timeoutMs, polling: 100 });
    }
    await frame.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  }
}
