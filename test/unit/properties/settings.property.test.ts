/** Property-based tests of the settings boundary: valid settings pass unchanged, any bad one only costs itself. */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { CCXT_EXCHANGES, CCXT_PRO_EXCHANGES } from '../../../src/core/exchange/ccxtExchanges.generated';
import { DEFAULTS, parseSettings, type Settings } from '../../../src/extension/parseSettings';
import { TIMEFRAMES } from '../../../src/core/timeframes';
import { fuzz, hostile } from '../../helpers/fuzz';
import { loadCcxtBeforeTests } from '../../helpers/ccxtFirstLoad';

type Key = keyof typeof DEFAULTS;
const KEYS = Object.keys(DEFAULTS) as Key[];

const exchangeId = fc.constantFrom(...CCXT_PRO_EXCHANGES);
const validValues: { readonly [K in Key]: fc.Arbitrary<unknown> } = {
  // Each exchange once (one listed twice is reported).
  exchanges: fc.uniqueArray(fc.oneof(exchangeId, fc.record({ id: fc.constantFrom('binance', 'coinbase'), endpoint: fc.constantFrom('http://127.0.0.1:8765', 'https://proxy.example.com/binance'), sandbox: fc.boolean() }, { requiredKeys: ['id'] })), { maxLength: 5, selector: (e) => (typeof e === 'string' ? e : e.id) }),
  defaultExchange: exchangeId,
  defaultTimeframe: fc.constantFrom(...TIMEFRAMES),
  historyBars: fc.integer({ min: 1, max: 5000 }),
  cacheDirectory: fc.constantFrom('', '/tmp/candles', '/home/me/.cache/trade suite'),
  'recording.directory': fc.constantFrom('', '/tmp/recordings', '/home/me/trade suite/recordings'),
  'recording.markets': fc.array(fc.tuple(exchangeId, fc.constantFrom('BTC/USDT', 'ETH/BTC', 'SOL/USDC:USDC')).map(([e, s]) => `${e}:${s}`), { maxLength: 5 }),
  'recording.recordOpenMarkets': fc.boolean(),
  'recording.maxSizeGB': fc.double({ min: 0, max: 100_000, noNaN: true }),
  'recording.retentionDays': fc.integer({ min: 0, max: 36_500 }),
  'recording.store': fc.constantFrom('embedded', 'clickhouse'),
  'recording.clickhouse.url': fc.constantFrom('http://127.0.0.1:8123', 'https://ch.example.com:8443/', 'http://[::1]:8123'),
  'recording.clickhouse.database': fc.constantFrom('tradesuite', 'market_data', '_rec2'),
  'recording.clickhouse.user': fc.constantFrom('', 'default', 'recorder'),
  favourites: fc.uniqueArray(fc.tuple(exchangeId, fc.constantFrom('BTC/USDT', 'ETH/BTC', 'SOL/USDC:USDC')).map(([e, s]) => `${e}:${s}`), { maxLength: 5 }),
  'chart.emaPeriods': fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 5 }),
  'chart.showVolume': fc.boolean(),
  'panels.keepHiddenPages': fc.boolean(),
  'panels.freeHiddenCanvasesAfterSeconds': fc.integer({ min: 0, max: 86_400 }),
  'orderBook.levels': fc.integer({ min: 5, max: 100 }),
  'timeAndSales.minSize': fc.double({ min: 0, max: 1e12, noNaN: true }),
  'timeAndSales.highlightSize': fc.double({ min: 0, max: 1e12, noNaN: true }),
  'heatmap.sampleMs': fc.integer({ min: 20, max: 10_000 }),
  'heatmap.levels': fc.integer({ min: 10, max: 100 }),
  'heatmap.minutes': fc.integer({ min: 1, max: 240 }),
  'footprint.imbalanceRatio': fc.double({ min: 1.1, max: 100, noNaN: true }),
  'footprint.bucketTicks': fc.integer({ min: 0, max: 1_000_000 }),
  'footprint.cvdReset': fc.constantFrom('session', 'continuous'),
  'footprint.historyBars': fc.integer({ min: 1, max: 1000 }),
  'footprint.volumeProfile': fc.constantFrom('visible', 'session'),
  'alerts.configPath': fc.constantFrom('', 'alerts.yaml', '/work/rules/alerts.yaml', 'sub dir/my alerts.yaml'),
  aggregates: fc.uniqueArray(
    fc.record(
      {
        name: fc.constantFrom('BTC-USD (agg)', 'ETH all', 'sol perps'),
        legs: fc.uniqueArray(fc.constantFrom('binance:BTC/USDT', 'coinbase:BTC/USD', 'bybit:BTC/USDT:USDT', 'okx:BTC/USDT:USDT'), { minLength: 2, maxLength: 4 }),
        usdtIsUsd: fc.boolean(),
      },
      { requiredKeys: ['name', 'legs'] },
    ),
    { selector: (a) => a.name, maxLength: 3 },
  ),
};

/** What each setting becomes in Settings. */
function field(s: Settings, key: Key): unknown {
  switch (key) {
    case 'exchanges':
      return s.exchanges;
    case 'defaultExchange':
      return s.defaultExchange;
    case 'defaultTimeframe':
      return s.defaultTimeframe;
    case 'historyBars':
      return s.historyBars;
    case 'cacheDirectory':
      return s.cacheDirectory;
    case 'recording.directory':
      return s.recordingDirectory;
    case 'recording.markets':
      return s.recording.markets;
    case 'recording.recordOpenMarkets':
      return s.recording.recordOpenMarkets;
    case 'recording.maxSizeGB':
      return s.recording.maxSizeGB;
    case 'recording.retentionDays':
      return s.recording.retentionDays;
    case 'recording.store':
      return s.recording.store;
    case 'recording.clickhouse.url':
      return s.recording.clickhouse.url;
    case 'recording.clickhouse.database':
      return s.recording.clickhouse.database;
    case 'recording.clickhouse.user':
      return s.recording.clickhouse.user;
    case 'favourites':
      return s.favourites;
    case 'chart.emaPeriods':
      return s.chart.emaPeriods;
    case 'chart.showVolume':
      return s.chart.showVolume;
    case 'panels.keepHiddenPages':
      return s.panels.keepHiddenPages;
    case 'panels.freeHiddenCanvasesAfterSeconds':
      return s.panels.freeHiddenCanvasesAfterSeconds;
    case 'orderBook.levels':
      return s.orderBookLevels;
    case 'timeAndSales.minSize':
      return s.timeAndSales.minSize;
    case 'timeAndSales.highlightSize':
      return s.timeAndSales.highlightSize;
    case 'heatmap.sampleMs':
      return s.heatmap.sampleMs;
    case 'heatmap.levels':
      return s.heatmap.levels;
    case 'heatmap.minutes':
      return s.heatmap.minutes;
    case 'footprint.imbalanceRatio':
      return s.footprint.imbalanceRatio;
    case 'footprint.bucketTicks':
      return s.footprint.bucketTicks;
    case 'footprint.cvdReset':
      return s.footprint.cvdReset;
    case 'footprint.historyBars':
      return s.footprint.historyBars;
    case 'footprint.volumeProfile':
      return s.footprint.volumeProfile;
    case 'alerts.configPath':
      return s.alertsConfigPath;
    case 'aggregates':
      return s.aggregates;
  }
}

/** What a valid raw value is expected to become. */
function expected(key: Key, raw: unknown): unknown {
  if (key === 'exchanges') return (raw as unknown[]).map((x) => (typeof x === 'string' ? { id: x } : { ...(x as object) }));
  if (key === 'aggregates') {
    const legs = (refs: string[]) => refs.map((f) => ({ exchange: f.slice(0, f.indexOf(':')), symbol: f.slice(f.indexOf(':') + 1) }));
    return (raw as Array<{ name: string; legs: string[]; usdtIsUsd?: boolean }>).map((a) => ({ name: a.name, legs: legs(a.legs), price: { kind: 'vwap' }, usdtIsUsd: a.usdtIsUsd ?? false }));
  }
  if (key === 'favourites' || key === 'recording.markets') return (raw as string[]).map((f) => ({ exchange: f.slice(0, f.indexOf(':')), symbol: f.slice(f.indexOf(':') + 1) }));
  return raw;
}

function assertInvariants(s: Settings): void {
  for (const e of s.exchanges) assert.ok(CCXT_PRO_EXCHANGES.includes(e.id));
  assert.ok(CCXT_PRO_EXCHANGES.includes(s.defaultExchange));
  assert.ok((TIMEFRAMES as readonly string[]).includes(s.defaultTimeframe));
  assert.ok(Number.isInteger(s.historyBars) && s.historyBars >= 1 && s.historyBars <= 5000);
  assert.equal(typeof s.cacheDirectory, 'string');
  assert.ok(s.recordingDirectory === '' || s.recordingDirectory.startsWith('/'));
  for (const f of [...s.favourites, ...s.recording.markets]) assert.ok(typeof f.exchange === 'string' && typeof f.symbol === 'string');
  assert.equal(typeof s.recording.recordOpenMarkets, 'boolean');
  assert.ok(Number.isFinite(s.recording.maxSizeGB) && s.recording.maxSizeGB >= 0 && s.recording.maxSizeGB <= 100_000);
  assert.ok(Number.isInteger(s.recording.retentionDays) && s.recording.retentionDays >= 0);
  for (const p of s.chart.emaPeriods) assert.ok(Number.isInteger(p) && p >= 1 && p <= 1000);
  assert.equal(typeof s.chart.showVolume, 'boolean');
  assert.equal(typeof s.panels.keepHiddenPages, 'boolean');
  assert.ok(Number.isInteger(s.panels.freeHiddenCanvasesAfterSeconds) && s.panels.freeHiddenCanvasesAfterSeconds >= 0 && s.panels.freeHiddenCanvasesAfterSeconds <= 86_400);
  assert.ok(Number.isInteger(s.orderBookLevels) && s.orderBookLevels >= 5 && s.orderBookLevels <= 500);
  for (const size of [s.timeAndSales.minSize, s.timeAndSales.highlightSize]) assert.ok(Number.isFinite(size) && size >= 0 && size <= 1e12);
  assert.ok(Number.isInteger(s.heatmap.sampleMs) && s.heatmap.sampleMs >= 20 && s.heatmap.sampleMs <= 10_000);
  assert.ok(Number.isInteger(s.heatmap.levels) && s.heatmap.levels >= 10 && s.heatmap.levels <= 100);
  assert.ok(Number.isInteger(s.heatmap.minutes) && s.heatmap.minutes >= 1 && s.heatmap.minutes <= 240);
  assert.equal(typeof s.alertsConfigPath, 'string');
  assert.equal(new Set(s.aggregates.map((a) => a.name)).size, s.aggregates.length, 'aggregate names are unique');
  for (const a of s.aggregates) assert.ok(a.legs.length >= 2 && a.legs.every((l) => l.exchange.length > 0 && l.symbol.length > 0) && typeof a.usdtIsUsd === 'boolean');
  assert.ok(s.footprint.imbalanceRatio >= 1.1 && s.footprint.imbalanceRatio <= 100);
  assert.ok(Number.isInteger(s.footprint.bucketTicks) && s.footprint.bucketTicks >= 0);
  assert.ok(s.footprint.cvdReset === 'session' || s.footprint.cvdReset === 'continuous');
  assert.ok(Number.isInteger(s.footprint.historyBars) && s.footprint.historyBars >= 1 && s.footprint.historyBars <= 1000);
  assert.ok(s.footprint.volumeProfile === 'visible' || s.footprint.volumeProfile === 'session');
}

const validSettings = fc.record(validValues, { requiredKeys: [] });

describe('settings (property-based)', () => {
  it('generated valid settings are accepted unchanged, with no problem', () => {
    fuzz(
      fc.property(validSettings, (raw) => {
        const { settings, problems } = parseSettings((k) => (raw as Record<string, unknown>)[k]);
        assert.deepEqual(problems, []);
        for (const key of Object.keys(raw) as Key[]) assert.deepEqual(field(settings, key), expected(key, raw[key]), key);
      }),
    );
  });

  it('any value of any setting: nothing throws, the result meets the invariants, and a bad setting costs only itself', () => {
    fuzz(
      fc.property(validSettings, fc.constantFrom(...KEYS), fc.oneof(hostile, fc.constantFrom('constructor', '__proto__', 'http://a\nb', 'relative/dir', '1m ', [1.5], ['x'], [null], 'binance', ['binance:'], [{ id: 'nope' }])), (raw, key, value) => {
        const base = parseSettings((k) => (raw as Record<string, unknown>)[k]);
        const mutated = { ...raw, [key]: value };
        const r = parseSettings((k) => (mutated as Record<string, unknown>)[k]);
        assertInvariants(r.settings);
        for (const p of r.problems) assert.match(p, new RegExp(`^tradesuite\\.${key.replace('.', '\\.')}[.[:]`), 'each problem names the setting');
        for (const other of KEYS) {
          if (other === key || (key === 'exchanges' && other === 'defaultExchange')) continue; // the default exchange's fallback is the first exchange
          assert.deepEqual(field(r.settings, other), field(base.settings, other), `${other} unaffected by a bad ${key}`);
        }
      }),
      4 * Number(process.env.FUZZ_RUNS ?? 200),
    );
  });
});

describe('ccxt exchange ids', () => {
  loadCcxtBeforeTests();
  it('the list generated at build time equals the installed ccxt (npm run build regenerates it)', async () => {
    const ccxt = (await import('ccxt')).default;
    assert.deepEqual(CCXT_EXCHANGES, [...ccxt.exchanges].sort());
    assert.deepEqual(CCXT_PRO_EXCHANGES, [...(ccxt.pro as unknown as { exchanges: string[] }).exchanges].sort());
  });
});
