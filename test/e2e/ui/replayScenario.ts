/**
 * Replay in the real workbench: Open Replay… lists the recorded market, asks for the start, and opens its chart as
 * a replay (the tab and the replay bar say so, paused at its start); playing at 100× moves the clock and the bars,
 * pausing holds them. A screenshot of the replayed chart with its bar is saved.
 */
import type { Frame, Page } from 'playwright-core';
import type { ExchangeEmulator } from '../../../src/emulator';
import { executeCommand, saveScreenshot, webviewFrame, type CodeServer, type Workbench } from '../runner';
import { setColorTheme } from './colorTheme';
import { chooseOption } from './themedSelect';
import { startSession, uiScenario, type Check, type UiScenario } from './workbenchScenario';

const EXT = { extensionId: 'tradesuite.tradesuite' };

export function replayScenario(emulator: ExchangeEmulator, settings: Record<string, unknown>, target: { vsix: string } | { extensionDevelopmentPath: string }, log: (l: string) => void): UiScenario {
  let server: CodeServer;
  let wb: Workbench;
  let chart: Frame;
  const page = (): Page => wb.page;
  const position = () => chart.evaluate(() => Number(document.body.dataset.replayPosition ?? 0));

  const checks: Check[] = [
    {
      name: 'the workbench starts with the extension and a recording directory',
      run: async () => {
        ({ server, wb } = await startSession(emulator, settings, target));
      },
    },
    {
      name: 'Open Replay… lists the recorded market and opens its chart as a replay, paused at the start',
      run: async () => {
        await executeCommand(page(), 'TradeSuite: Open Replay…');
        const widget = page().locator('.quick-input-widget');
        await widget.locator('.monaco-list-row', { hasText: 'BTC/USDT' }).first().waitFor({ state: 'visible', timeout: 20_000 });
        await page().keyboard.press('Enter');
        // The start time, proposed as the first whole minute recorded.
        await widget.locator('input').waitFor({ state: 'visible', timeout: 10_000 });
        await page().waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value === '2026-11-28T10:00', undefined, { timeout: 10_000 });
        // The recording's hole is named while the start is chosen, and a start inside it is warned of (still allowed).
        const says = (want: string) => page().waitForFunction((w) => (document.querySelector('.quick-input-widget .quick-input-message')?.textContent ?? '').includes(w), want, { timeout: 10_000 });
        await says('Trades are missing 2026-11-28 10:39:59 → 10:43:00 UTC');
        await widget.locator('input').fill('2026-11-28T10:41');
        await says("Trades are missing there (2026-11-28 10:39:59 → 10:43:00 UTC: the exchange's REST trades did not reach back");
        const warned = await widget.locator('.quick-input-message').textContent();
        log(`[e2e] Open Replay's start inside the recording's hole: ${warned}; screenshot: ${await saveScreenshot(page(), 'replay-start-hole')}`);
        await widget.locator('input').fill('2026-11-28T11:00');
        await page().keyboard.press('Enter');
        await page().locator('.tabs-container .tab', { hasText: 'REPLAY binance from 2026-11-28 11:00 UTC' }).waitFor({ timeout: 30_000 });
        await page().locator('iframe.webview.ready').first().waitFor({ state: 'attached', timeout: 30_000 });
        chart = await webviewFrame(page(), { ...EXT, index: 0 });
        await chart.waitForFunction(() => document.body.dataset.replay === 'paused' && Number(document.body.dataset.bars ?? 0) >= 60, undefined, { timeout: 45_000 });
        const label = (await chart.locator('.replay-label').textContent()) ?? '';
        if (!label.startsWith('REPLAY')) throw new Error(`the replay bar reads ${JSON.stringify(label)}`);
        // The toolbar and the status bar name the replay as its tab does, not by its id.
        const place = (await chart.locator('.toolbar .market-exchange').textContent()) ?? '';
        if (place !== 'REPLAY binance from 2026-11-28 11:00 UTC') throw new Error(`the toolbar names the replay ${JSON.stringify(place)}`);
        await page().locator('.statusbar-item', { hasText: 'BTC/USDT 1m · REPLAY binance from 2026-11-28 11:00 UTC' }).waitFor({ timeout: 10_000 });
        const at = await position();
        if (at !== Date.parse('2026-11-28T11:00:00Z') - 1) throw new Error(`the replay starts at ${new Date(at).toISOString()}`);
      },
    },
    {
      name: 'Play at 100× moves the clock and the last bar; Pause holds; screenshot saved',
      run: async () => {
        const before = await position();
        const barsBefore = await chart.evaluate(() => Number(document.body.dataset.bars));
        await chooseOption(chart, '.select-speed', '100×');
        await chart.waitForFunction((p) => document.body.dataset.replay === 'playing' && Number(document.body.dataset.replayPosition) > p + 120_000, before, { timeout: 30_000 });
        await chart.waitForFunction((n) => Number(document.body.dataset.bars) > n, barsBefore, { timeout: 30_000 });
        await chart.locator('.replay-pause').click();
        await chart.waitForFunction(() => document.body.dataset.replay === 'paused', undefined, { timeout: 10_000 });
        const held = await position();
        await chart.locator('.replay-step').click();
        await chart.waitForFunction((p) => Number(document.body.dataset.replayPosition) > p, held, { timeout: 10_000 });
        if ((await chart.evaluate(() => document.body.dataset.replay)) !== 'paused') throw new Error('a step left the replay playing');
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'replay-chart')}`);
      },
    },
    {
      name: 'a bar in a hole of the recording says so when hovered ("partial since 10:39"); the bars around it do not; screenshots light and dark',
      run: async () => {
        const box = await chart.locator('.chart-host').boundingBox();
        if (!box) throw new Error('the chart has no box');
        const note = chart.locator('.legend-partial');
        const y = box.y + box.height * 0.5;
        const seen = new Set<string>();
        let found = false;
        let x = box.x;
        for (let step = 0; step <= 120 && !found; step++) {
          x = box.x + box.width * (0.02 + (0.9 * step) / 120);
          await page().mouse.move(x, y);
          const hover = await chart.evaluate(() => document.querySelector('.legend-hover') !== null);
          const text = (await note.count()) > 0 ? ((await note.first().textContent()) ?? '') : '';
          if (hover) seen.add(text);
          found = text !== '';
        }
        if (!found) throw new Error(`no hovered bar was partial; legend notes seen: ${JSON.stringify([...seen])}`);
        const text = (await note.first().textContent()) ?? '';
        if (text !== 'partial since 10:39') throw new Error(`legend note over the hole: ${JSON.stringify(text)}`);
        if (!seen.has('')) throw new Error('every hovered bar read partial, not only those of the hole');
        log(`[e2e] hovered bar note: ${text}; screenshot: ${await saveScreenshot(page(), 'replay-hole-light')}`);
        // The faded bars in the dark theme (their colours are per bar: set again on a theme change), hovered again.
        try {
          await setColorTheme(page(), 'dark');
          await chart.waitForFunction(() => document.body.classList.contains('vscode-dark'), undefined, { timeout: 10_000 });
          await page().mouse.move(x, y);
          await note.first().waitFor({ state: 'visible', timeout: 5_000 });
          log(`[e2e] screenshot: ${await saveScreenshot(page(), 'replay-hole-dark')}`);
        } finally {
          await setColorTheme(page(), 'light');
        }
        await page().mouse.move(20, y); // off the chart
      },
    },
  ];

  return uiScenario(checks, () => ({ server, wb }));
}
