import * as assert from 'node:assert/strict';
import { setConfiguration } from '../../helpers/fakeVscode';
import type * as vscode from 'vscode';
import type { EngineHost } from '../../../src/extension/engineHost';
import { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import { readSettings } from '../../../src/extension/settings';
import { SettingsProblemReporter } from '../../../src/extension/settingsProblems';
import { BOOK_DEPTH } from '../../../src/shared/util/bookDepth';

describe('settings', () => {
  // Issue 17, defect 3: readSettings threw a TypeError (activation failed) or let wrong types through.
  describe('issue 17 defect 3: a bad setting never stops activation; it is named and its default used', () => {
    const problemsFor = (settings: Record<string, unknown>) => {
      setConfiguration(settings);
      let r: ReturnType<typeof readSettings> | undefined;
      assert.doesNotThrow(() => (r = readSettings()));
      return r!;
    };

    it('favourites that are not a list or null, emaPeriods a number, defaultTimeframe an object', () => {
      for (const favourites of [null, 'binance:BTC/USDT', 5]) {
        const r = problemsFor({ 'tradesuite.favourites': favourites });
        assert.deepEqual(r.settings.favourites, []);
        assert.match(r.problems.join('\n'), /tradesuite\.favourites: expected a list/);
      }
      const long = problemsFor({ 'tradesuite.favourites': [`binance:${'S'.repeat(150)}`, 'binance:BTC/USDT'] });
      assert.deepEqual(long.settings.favourites, [{ exchange: 'binance', symbol: 'BTC/USDT' }], 'a symbol no panel could show is left out');
      assert.match(long.problems.join('\n'), /tradesuite\.favourites\[0\]: expected "exchange:SYMBOL" such as "binance:BTC\/USDT" \(a lowercase exchange id of 1 to 40 letters and digits, a colon, and a symbol of 1 to 100 characters, .*\), got "binance:S{20,}/);
      const ema = problemsFor({ 'tradesuite.chart.emaPeriods': 21 });
      assert.deepEqual(ema.settings.chart.emaPeriods, [20, 50]);
      assert.match(ema.problems[0]!, /tradesuite\.chart\.emaPeriods: expected a list of at most 100 items, got 21; using \[20,50\]/);
      const tf = problemsFor({ 'tradesuite.defaultTimeframe': Object.assign(Object.create(null) as object, { tf: '1h' }) });
      assert.equal(tf.settings.defaultTimeframe, '1m');
      assert.match(tf.problems[0]!, /tradesuite\.defaultTimeframe: expected a timeframe/);
    });

    it('heatmap.levels beyond the engine\'s book depth is reported, and the depth used (the default is that depth)', () => {
      assert.equal(problemsFor({}).settings.heatmap.levels, BOOK_DEPTH);
      const r = problemsFor({ 'tradesuite.heatmap.levels': 200 });
      assert.equal(r.settings.heatmap.levels, BOOK_DEPTH);
      assert.match(r.problems.join('\n'), /tradesuite\.heatmap\.levels: expected a whole number from 10 to 100 \(the engine keeps 100 levels per side of a book\), got 200/);
    });

    it("orderBook.levels beyond the engine's book depth is reported and the depth used; other bad values get the default", () => {
      assert.equal(problemsFor({ 'tradesuite.orderBook.levels': BOOK_DEPTH }).settings.orderBookLevels, BOOK_DEPTH);
      const r = problemsFor({ 'tradesuite.orderBook.levels': 500 });
      assert.equal(r.settings.orderBookLevels, BOOK_DEPTH);
      assert.match(r.problems.join('\n'), /tradesuite\.orderBook\.levels: expected a whole number from 5 to 100 \(the engine keeps 100 levels per side of a book\), got 500; using 100/);
      assert.equal(problemsFor({ 'tradesuite.orderBook.levels': 2.5 }).settings.orderBookLevels, 20);
      assert.equal(problemsFor({ 'tradesuite.orderBook.levels': 3 }).settings.orderBookLevels, 20);
    });

    it('wrong types elsewhere are reported instead of used', () => {
      const r = problemsFor({ 'tradesuite.defaultExchange': 42, 'tradesuite.cacheDirectory': 5, 'tradesuite.chart.showVolume': 'false' });
      assert.equal(r.settings.defaultExchange, 'binance');
      assert.equal(r.settings.cacheDirectory, '');
      assert.equal(r.settings.chart.showVolume, true);
      assert.equal(r.problems.length, 3);
      assert.match(r.problems.join('\n'), /defaultExchange.*got 42/);
      assert.match(r.problems.join('\n'), /cacheDirectory.*got 5/);
      assert.match(r.problems.join('\n'), /showVolume: expected true or false, got "false"/);
    });

    it('the exchange id "constructor" and an endpoint with a newline are rejected, the other exchanges kept', () => {
      const r = problemsFor({ 'tradesuite.exchanges': ['constructor', { id: 'binance', endpoint: 'http://127.0.0.1:8765\nX-Evil: 1' }, { id: 'binance', endpoint: 'http://127.0.0.1:8765/' }, 'kraken'] });
      assert.deepEqual(r.settings.exchanges, [{ id: 'binance', endpoint: 'http://127.0.0.1:8765' }, { id: 'kraken' }]);
      assert.match(r.problems[0]!, /tradesuite\.exchanges\[0\]: "constructor" is not a ccxt exchange id/);
      assert.match(r.problems[1]!, /tradesuite\.exchanges\[1\]\.endpoint: expected an http\(s\) URL/);
    });

    it('an exchange or a favourite listed twice is named and left out, its first entry kept (the Markets view cannot show two rows of one id: it showed none)', async () => {
      const r = problemsFor({
        'tradesuite.exchanges': ['binance', { id: 'coinbase' }, { id: 'binance', endpoint: 'http://127.0.0.1:8765' }],
        'tradesuite.favourites': ['binance:BTC/USDT', 'binance:ETH/USDT', 'binance:BTC/USDT'],
      });
      assert.deepEqual(r.settings.exchanges, [{ id: 'binance' }, { id: 'coinbase' }]);
      assert.deepEqual(r.settings.favourites, [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'binance', symbol: 'ETH/USDT' }]);
      assert.deepEqual(r.problems, [
        'tradesuite.exchanges[2]: "binance" is listed above (an exchange is listed once: the first entry is used); left out',
        'tradesuite.favourites[2]: "binance:BTC/USDT" is listed above; left out',
      ]);
      // Every row of the Markets view has an id of its own (VS Code refuses a repeated one: "Element with id … is already registered").
      const engine = { hub: { markets: () => Promise.resolve([]) }, warm: () => undefined, recordingRoot: '/nonexistent', clickHouse: undefined } as unknown as EngineHost;
      const tree = new MarketsTreeProvider(engine, () => r.settings, { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento);
      try {
        const roots = await tree.getChildren();
        const favourites = roots.find((n) => n.kind === 'favourites');
        assert.ok(favourites);
        for (const rows of [roots, await tree.getChildren(favourites)]) {
          const ids = rows.map((n) => tree.getTreeItem(n).id);
          assert.deepEqual(ids, [...new Set(ids)]);
        }
      } finally {
        tree.dispose();
      }
    });

    it("an option that turns off ccxt's order-book check (watchOrderBook.checksum and the like) is named and left out; the exchange and its other options stay", () => {
      const r = problemsFor({
        'tradesuite.exchanges': [
          { id: 'binance', options: { watchOrderBook: { checksum: false, limit: 100 }, fetchMarkets: { types: ['spot'] } } },
          { id: 'kraken', options: { checksum: 0, defaultChecksum: 'no', watchOrderBook: { defaultChecksum: false } } },
          { id: 'bybit', options: { checksum: true, watchOrderBook: { checksum: true } } },
        ],
      });
      assert.deepEqual(r.settings.exchanges, [
        { id: 'binance', options: { watchOrderBook: { limit: 100 }, fetchMarkets: { types: ['spot'] } } },
        { id: 'kraken', options: { watchOrderBook: {} } },
        { id: 'bybit', options: { checksum: true, watchOrderBook: { checksum: true } } },
      ]);
      const named = [
        'tradesuite.exchanges[0].options.watchOrderBook.checksum: false',
        'tradesuite.exchanges[1].options.checksum: 0',
        'tradesuite.exchanges[1].options.defaultChecksum: "no"',
        'tradesuite.exchanges[1].options.watchOrderBook.defaultChecksum: false',
      ];
      assert.equal(r.problems.length, named.length, r.problems.join('\n'));
      named.forEach((start, i) => assert.ok(r.problems[i]!.startsWith(`${start} would turn off`), r.problems[i]));
      assert.match(r.problems[0]!, /turn off the exchange's check of its order-book updates \(a lost update would leave a wrong book shown as live\); left out, the check stays on$/);
    });
  });

  it('suggests the exchange id that was probably meant, and names ids without streams', () => {
    setConfiguration({ 'tradesuite.exchanges': ['binanse', 'bit2c', { id: 'kraken', endpoint: 'http://127.0.0.1:1' }] });
    const { problems } = readSettings();
    assert.match(problems[0]!, /"binanse" is not a ccxt exchange id; did you mean "binance"\?/);
    assert.match(problems[1]!, /"bit2c" has no live streams/);
    assert.match(problems[2]!, /no endpoint mapping for "kraken"/);
  });

  it('reports each problem once: a log line each, one warning naming the first new one', () => {
    const logged: string[] = [];
    const warned: string[] = [];
    const reporter = new SettingsProblemReporter((p) => logged.push(p), (m) => warned.push(m));
    reporter.report(['a bad', 'b bad']);
    reporter.report(['a bad', 'b bad']);
    assert.deepEqual(logged, ['a bad', 'b bad']);
    assert.deepEqual(warned, ['TradeSuite settings: a bad (and 1 more in the TradeSuite log)']);
    reporter.report([]);
    reporter.report(['a bad']);
    assert.deepEqual(warned.at(-1), 'TradeSuite settings: a bad', 'fixed and broken again: reported again');
  });
});
