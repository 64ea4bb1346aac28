/**
 * Recording in the real workbench, as a user does it: a chart of ETH/USDT open, right-click the market in the Markets
 * view → Record; the tree item and the chart say REC; the Recordings node lists the market with its size on disk;
 * right-click → Stop Recording; then click the recording and open its replay, which says it is a replay and plays.
 * Screenshots of the recording chart with the tree, and of the replay.
 */
import type { Locator, Page } from 'playwright-core';
import type { ExchangeEmulator } from '../../../src/emulator';
import { saveScreenshot, type CodeServer, type Workbench } from '../runner';
import { rightClickMenu } from './rightClickMenu';
import { chooseOption } from './themedSelect';
import { startSession, uiScenario, type Check, type UiScenario } from './workbenchScenario';
import { workbenchSteps } from './workbenchSteps';

const SIZE = /binance · [\d.,]+ (B|kB|MB|GB)/;

export function recordScenario(emulator: ExchangeEmulator, settings: Record<string, unknown>, target: { vsix: string } | { extensionDevelopmentPath: string }, log: (l: string) => void): UiScenario {
  let server: CodeServer;
  let wb: Workbench;
  const page = (): Page => wb.page;
  const { frameWhere, paintedColours } = workbenchSteps(page);
  const tree = (): Locator => page().locator('.pane', { hasText: 'Markets' });
  /** ETH/USDT under binance › USDT (not the row under Recordings, whose description is its exchange and size). */
  const market = (): Locator => tree().getByRole('treeitem', { name: /^ETH\/USDT/ }).filter({ hasNotText: SIZE }).first();
  const recording = (): Locator => tree().getByRole('treeitem', { name: /^ETH\/USDT/ }).filter({ hasText: SIZE }).first();
  const liveChart = () => frameWhere('ETH/USDT chart', (d) => d.kind === 'chart' && d.market === 'binance ETH/USDT');
  const described = async (item: Locator) => (await item.locator('.label-description').textContent({ timeout: 5_000 })) ?? '';

  /** Right-click → the named item (the whole label: 'Record' is not 'Stop Recording'). */
  const contextMenu = (item: Locator, action: string) => rightClickMenu(page(), item, new RegExp(`^${action}$`), log);

  /** The decimals the live chart shows prices with: the replay of the same market must show as many. */
  let liveDecimals: string | undefined;
  const checks: Check[] = [
    {
      name: 'the workbench starts with the extension and a recording directory',
      run: async () => {
        ({ server, wb } = await startSession(emulator, settings, target));
      },
    },
    {
      name: 'a chart of ETH/USDT opened from the Markets view paints candles',
      run: async () => {
        await page().locator('.activitybar [aria-label^="TradeSuite"]').first().click({ timeout: 30_000 });
        await tree().getByRole('treeitem', { name: /^binance/ }).click({ timeout: 30_000 });
        await tree().getByRole('treeitem', { name: /^USDT/ }).click({ timeout: 30_000 });
        await market().click({ timeout: 15_000 });
        const chart = await liveChart();
        await chart.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 10, undefined, { timeout: 30_000 });
        if ((await paintedColours(chart)) < 5) throw new Error('the chart painted nothing');
        liveDecimals = await chart.evaluate(() => document.body.dataset.priceDecimals);
      },
    },
    {
      name: 'right-click → Record: the tree item and the open chart say REC',
      run: async () => {
        await contextMenu(market(), 'Record');
        const chart = await liveChart();
        await chart.waitForFunction(() => document.body.dataset.recording === 'recording', undefined, { timeout: 30_000 });
        const pill = (await chart.locator('.rec-pill').textContent({ timeout: 5_000 })) ?? '';
        if (!pill.includes('REC')) throw new Error(`the chart's pill reads ${JSON.stringify(pill)}`);
        await market().locator('.label-description', { hasText: /^REC/ }).waitFor({ timeout: 20_000 });
      },
    },
    {
      name: 'the Recordings node lists ETH/USDT with its size on disk; screenshot saved',
      run: async () => {
        // A tree item's accessible name is its tooltip; the row's text is its label and description.
        const recordings = tree().getByRole('treeitem').filter({ hasText: /^Recordings/ });
        await recordings.click({ timeout: 20_000 });
        // A click that lands while the tree redraws the row (its REC label) selects it without expanding it, and in
        // one CI run the row was folded after the keyboard expanded it: until its child shows, a folded row is
        // expanded from the keyboard, and each time is logged (a fold the user did not ask for would be a defect).
        const deadline = Date.now() + 60_000;
        for (let expands = 0; !(await recording().isVisible()); ) {
          if (Date.now() > deadline) throw new Error(`no recording row under Recordings after ${expands} expansions from the keyboard`);
          if ((await recordings.getAttribute('aria-expanded', { timeout: 5_000 })) !== 'true') {
            log(`[e2e] the Recordings row is folded: expanded from the keyboard (${++expands})`);
            await recordings.focus();
            await page().keyboard.press('ArrowRight');
          }
          await recording().waitFor({ timeout: 3_000 }).catch(() => undefined);
        }
        log(`[e2e] recording row: ${await described(recording())}`);
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'record-chart-and-tree')}`);
      },
    },
    {
      name: 'right-click → Stop Recording: REC leaves the tree item and the chart',
      run: async () => {
        await contextMenu(market(), 'Stop Recording');
        const chart = await liveChart();
        await chart.waitForFunction(() => document.body.dataset.recording === 'off', undefined, { timeout: 30_000 });
        const deadline = Date.now() + 20_000;
        while ((await described(market())).startsWith('REC')) {
          if (Date.now() > deadline) throw new Error(`the tree item still reads ${JSON.stringify(await described(market()))}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        if (!(await recording().isVisible())) throw new Error('the recording left the Recordings node when it stopped');
      },
    },
    {
      name: 'clicking the recording opens its replay: the panel says REPLAY and plays; screenshot saved',
      run: async () => {
        // CI runs saw no input box after the click (never locally, 60 runs): the click landed while VS Code fetched the
        // Recordings rows again, when it cannot name the selected row (treeRowClick.ts now waits for it). A miss is
        // still logged with a screenshot and what the row said, and the click made again, as a user would.
        // The start's box, not the market's (shown first, busy, while the recordings are read; it goes once the market is found).
        const input = page().locator('.quick-input-widget', { hasText: 'starting at (UTC)' }).locator('input');
        for (let clicks = 1; ; clicks++) {
          await recording().click();
          const shown = await input.waitFor({ state: 'visible', timeout: 7_500 }).then(() => true, () => false);
          if (shown) break;
          const selected = await recording().getAttribute('aria-selected').catch(() => 'unknown');
          log(`[e2e] click ${clicks} on the recording opened no input box (row selected: ${selected}; row: ${await described(recording()).catch(() => '?')}); screenshot: ${await saveScreenshot(page(), `record-click-missed-${clicks}`)}`);
          if (clicks === 3) throw new Error('three clicks on the recording opened no input box');
        }
        await page().keyboard.press('Enter'); // the start proposed: the first minute recorded
        await page().locator('.tabs-container .tab', { hasText: 'REPLAY binance from' }).waitFor({ timeout: 30_000 });
        const replay = await frameWhere('replay chart', (d) => d.kind === 'chart' && (d.market ?? '').startsWith('replay:binance:ETH/USDT'));
        await replay.waitForFunction(() => document.body.dataset.replay === 'paused', undefined, { timeout: 45_000 });
        const label = (await replay.locator('.replay-label').textContent()) ?? '';
        if (!label.startsWith('REPLAY')) throw new Error(`the replay bar reads ${JSON.stringify(label)}`);
        const before = await replay.evaluate(() => Number(document.body.dataset.replayPosition ?? 0));
        await chooseOption(replay, '.select-speed', '100×');
        // Plays on, or reaches the end of a short recording (the start proposed is its first whole minute).
        await replay.waitForFunction((p) => Number(document.body.dataset.replayPosition) > p + 5_000 || document.body.dataset.replay === 'ended', before, { timeout: 30_000 });
        await replay.waitForFunction(() => Number(document.body.dataset.bars ?? 0) > 0, undefined, { timeout: 30_000 });
        // Its prices to the market's decimals (2,976.82, not 2,977) from the first bar, as on the live chart.
        await replay.waitForFunction(() => document.body.dataset.priceDecimals !== undefined && document.body.dataset.priceDecimals !== '0', undefined, { timeout: 15_000 }).catch(() => undefined);
        const decimals = await replay.evaluate(() => document.body.dataset.priceDecimals);
        if (decimals !== liveDecimals) throw new Error(`the replay shows prices with ${decimals} decimals, the live chart with ${liveDecimals}`);
        // Its one bar sits at the left edge, but nothing was recorded before it: no "older bars…" asked for or shown.
        const edge = await replay.evaluate(() => document.body.dataset.olderBars ?? 'idle');
        if (edge !== 'idle') throw new Error(`the replay chart's left edge is ${edge}: it looked for bars older than the recording`);
        log(`[e2e] screenshot: ${await saveScreenshot(page(), 'record-replay')}`);
      },
    },
  ];

  return uiScenario(checks, () => ({ server, wb }));
}
