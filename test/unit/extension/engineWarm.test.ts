/** Warming the markets for a panel loads its own exchange's alone first, then every other's (Find Market…, the next panel). */
import { setConfiguration } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import type * as vscode from 'vscode';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { EngineHost } from '../../../src/extension/engineHost';
import { readSettings } from '../../../src/extension/settings';
import { captureLog } from '../../helpers/emulatorHub';

function engineWithMarketsLog() {
  setConfiguration({ 'tradesuite.exchanges': ['binance', 'coinbase', 'bybit'] });
  const settings = readSettings().settings;
  const log = captureLog();
  const engine = new EngineHost(() => settings, { fsPath: os.tmpdir() } as vscode.Uri, log);
  const asked: string[] = [];
  const answers = new Map<string, { resolve: (m: readonly MarketInfo[]) => void; reject: (e: Error) => void }>();
  engine.hub.markets = (exchange: string) => {
    asked.push(exchange);
    return new Promise<readonly MarketInfo[]>((resolve, reject) => answers.set(exchange, { resolve, reject }));
  };
  const settled = () => new Promise<void>((r) => setImmediate(r));
  return { engine, asked, answers, settled, log };
}

describe('warming the markets', () => {
  it("for a panel: its exchange's markets alone, then the others' once they are in", async () => {
    const { engine, asked, answers, settled } = engineWithMarketsLog();
    engine.warm('coinbase');
    await settled();
    assert.deepEqual(asked, ['coinbase']);
    assert.deepEqual(engine.marketsWarm, [], 'nothing in hand yet');
    answers.get('coinbase')!.resolve([]);
    await settled();
    assert.deepEqual(asked, ['coinbase', 'binance', 'bybit']);
    assert.deepEqual(engine.marketsWarm, ['coinbase']);
    engine.warm('binance');
    await settled();
    assert.equal(asked.length, 3, 'once per engine');
    answers.get('bybit')!.reject(new Error('offline'));
    answers.get('binance')!.resolve([]);
    await settled();
    assert.deepEqual(engine.marketsWarm, ['coinbase', 'binance'], 'a failed load is not in hand');
    await engine.stop();
    assert.deepEqual(engine.marketsWarm, [], 'a stopped engine holds none');
  });

  it("the others' load even when the panel's exchange fails; none after the engine stopped", async () => {
    const failing = engineWithMarketsLog();
    failing.engine.warm('bybit');
    failing.answers.get('bybit')!.reject(new Error('offline'));
    await failing.settled();
    assert.deepEqual(failing.asked, ['bybit', 'binance', 'coinbase']);
    await failing.engine.stop();

    const stopped = engineWithMarketsLog();
    stopped.engine.warm('binance');
    await stopped.engine.stop();
    stopped.answers.get('binance')!.resolve([]);
    await stopped.settled();
    assert.deepEqual(stopped.asked, ['binance']);
    assert.deepEqual(stopped.engine.marketsWarm, [], 'an answer after the stop is not the new engine\'s');
  });

  it('without a panel (the Markets view), or for one whose exchange is not configured (an aggregate): all at once', async () => {
    for (const first of [undefined, 'aggregate']) {
      const { engine, asked, settled } = engineWithMarketsLog();
      engine.warm(first);
      await settled();
      assert.deepEqual(asked, ['binance', 'coinbase', 'bybit'], String(first));
      await engine.stop();
    }
  });

  it('a stop whose hub fails to close still closes the replays and the exchanges (their sockets), then says why', async () => {
    const { engine } = engineWithMarketsLog();
    const started = engine.hub as unknown as { close(): Promise<void> };
    const parts = (engine as unknown as { current: { replays: { closeAll(): Promise<void> }; registry: { closeAll(): Promise<void> } } }).current;
    const closed: string[] = [];
    started.close = () => Promise.reject(new Error('the hub could not close'));
    parts.replays.closeAll = () => (closed.push('replays'), Promise.resolve());
    parts.registry.closeAll = () => (closed.push('exchanges'), Promise.resolve());
    await assert.rejects(engine.stop(), /the hub could not close/);
    assert.deepEqual(closed, ['replays', 'exchanges']);
    assert.equal(engine.started, false);
  });
  it("a stop where the exchanges fail to close too: the hub's error is thrown, the later one is logged, not lost", async () => {
    const { engine, log } = engineWithMarketsLog();
    const started = engine.hub as unknown as { close(): Promise<void> };
    const parts = (engine as unknown as { current: { registry: { closeAll(): Promise<void> } } }).current;
    started.close = () => Promise.reject(new Error('the hub could not close'));
    parts.registry.closeAll = () => Promise.reject(new Error('a socket would not close'));
    await assert.rejects(engine.stop(), /the hub could not close/);
    assert.match(await log.line(/did not close either/), /engine stop: the exchanges did not close either: .*a socket would not close/);
  });
});
