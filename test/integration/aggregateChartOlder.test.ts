/**
 * An aggregate chart scrolled past its history (the extension's own ChartPanel on a plain-Node webview stand-in, real
 * ccxt against the Bybit emulator): the page of older bars it answers is its leg's previous page, and the page
 * before the leg's first trade says `exhausted`.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AggregateDefinition } from '../../src/core/aggregate/aggregateDefinition';
import { AGGREGATE_EXCHANGE } from '../../src/core/aggregate/aggregateDefinition';
import type { OlderBars } from '../../src/core/history/historyService';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { Rig } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage } from '../helpers/fakeWebviewPanel';

/** One leg (a Bybit emulator lists one market per base): the merge must give back the leg's own pages. */
const DEF: AggregateDefinition = { name: 'BTC perp (test)', legs: [{ exchange: 'bybit', symbol: 'BTC/USDT:USDT' }], price: { kind: 'vwap' }, usdtIsUsd: false };

describe('aggregate chart: older bars past its history (real ccxt, Bybit emulator)', function () {
  this.timeout(60_000);
  let rig: Rig<'bybit'> | undefined;
  afterEach(() => rig?.close());

  it("answers chart/loadOlderBars with its leg's previous pages, then `exhausted` before its first trade", async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 4, historyMinutes: 12 }, { historyBars: 3 });
    const settings = { ...readSettings().settings, aggregates: [DEF] };
    const hub = rig.hub;
    const engine = { hub } as unknown as EngineHost;
    const fake = fakeWebviewPanel({ keep: true });
    const panel = new ChartPanel(fake.panel, { kind: 'chart', exchange: AGGREGATE_EXCHANGE, symbol: DEF.name, timeframe: '1m' }, { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine, log: rig.log, settings: () => settings });
    try {
      fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
      const snapshots = () => receivedByPage(fake.messages).filter((m): m is Extract<HostMessage, { method: 'chart/snapshot' }> => m.method === 'chart/snapshot');
      await pageUntil('a snapshot with the seeded bars', () => (snapshots().at(-1)?.params.candles.length ?? 0) >= 3);
      const answers = () => receivedByPage(fake.messages).filter((m): m is Extract<HostMessage, { method: 'chart/olderBars' }> => m.method === 'chart/olderBars');
      let before: number = snapshots().at(-1)!.params.candles[0]![0];
      for (let requestId = 1; ; requestId++) {
        fake.fromPage({ method: 'chart/loadOlderBars', params: { requestId, before, count: 4 } });
        await pageUntil(`answer ${requestId}`, () => answers().some((a) => a.params.requestId === requestId));
        const answer = answers().find((a) => a.params.requestId === requestId)!.params;
        assert.equal(answer.error, undefined);
        if (answer.exhausted) {
          assert.deepEqual(answer.candles, []);
          assert.ok(requestId >= 3, 'the leg has 12 minutes of history: at least two pages of 4 before it ends');
          break;
        }
        assert.ok(requestId <= 5, 'it ends');
        // A leg's own bars, as a single market's chart pages them (from the same cache now).
        const leg: OlderBars = await hub.olderBars({ exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '1m' }, before, 4);
        const expected = leg.candles.filter((c) => c.time >= before - 4 * 60_000).map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]);
        assert.ok(expected.length > 0);
        assert.deepEqual(answer.candles, expected, `page ${requestId}: the leg's bars, none partial`);
        before = answer.candles[0]![0];
      }
    } finally {
      panel.panel.dispose();
    }
  });
});
