/** The user's `tradesuite.*` settings → validated Settings: each setting on its own, a bad one replaced by its default. */
import * as path from 'node:path';
import type { AggregateDefinition } from '../core/aggregate/aggregateDefinition';
import { parseAggregateSetting, parseLegRef } from '../core/aggregate/parseAggregateSetting';
import { MAX_EXCHANGE_ID_CHARS, MAX_SYMBOL_CHARS } from '../shared/util/marketName';
import { hasControlChar } from '../shared/util/controlChars';
import { exchangeIdProblem } from '../core/exchange/exchangeIds';
import { parseExchangeSettings, type ExchangeSettings } from '../core/exchange/exchangeSettings';
import { show } from '../core/exchange/plausible';
import { BOOK_DEPTH } from '../shared/util/bookDepth';
import { isTimeframe, type Timeframe } from '../core/timeframes';
import { userMessage } from '../core/util/log';
import { VOLUME_PROFILE_MODES, type VolumeProfileMode } from '../shared/protocol';

export interface Settings {
  readonly exchanges: readonly ExchangeSettings[];
  readonly defaultExchange: string;
  readonly defaultTimeframe: Timeframe;
  readonly historyBars: number;
  readonly cacheDirectory: string;
  /** Where recordings are kept and replays read from (empty: the extension's global storage). */
  readonly recordingDirectory: string;
  /** Recording from the extension: the markets asked for, whether every open market is recorded too, and the store's limits. */
  readonly recording: {
    readonly markets: readonly { exchange: string; symbol: string }[];
    readonly recordOpenMarkets: boolean;
    /** The store's size budget in GB, decimal (0: no budget). */
    readonly maxSizeGB: number;
    /** Ended days older than this are removed (0: kept). */
    readonly retentionDays: number;
    /** Where rows go and replays read from: the embedded store (`recordingDirectory`) or a ClickHouse server. */
    readonly store: 'embedded' | 'clickhouse';
    /** The ClickHouse server's HTTP interface, database and user (the password comes from the environment). */
    readonly clickhouse: { readonly url: string; readonly database: string; readonly user: string };
  };
  readonly favourites: readonly { exchange: string; symbol: string }[];
  readonly chart: { readonly emaPeriods: readonly number[]; readonly showVolume: boolean };
  /** Panels opened from now on keep their page while hidden behind another tab (VS Code's retainContextWhenHidden). */
  readonly panels: { readonly keepHiddenPages: boolean; readonly freeHiddenCanvasesAfterSeconds: number };
  readonly footprint: FootprintSettings;
  readonly orderBookLevels: number;
  readonly domMultiples: readonly number[];
  /** Time & sales: rows under `minSize` hidden, rows from `highlightSize` on highlighted (quote currency). */
  readonly timeAndSales: { readonly minSize: number; readonly highlightSize: number };
  /** Liquidity heatmap: a book sample every `sampleMs`, `levels` per side, `minutes` of history kept. */
  readonly heatmap: { readonly sampleMs: number; readonly levels: number; readonly minutes: number };
  /** The alert rules file as set (empty: alerts.yaml in the first workspace folder). */
  readonly alertsConfigPath: string;
  /** Markets across exchanges, each under its own name (names unique). */
  readonly aggregates: readonly AggregateDefinition[];
}

/** The chart's footprint mode (issue 14). */
export interface FootprintSettings {
  /** A diagonal imbalance: one side ≥ this × the other side one bucket away. */
  readonly imbalanceRatio: number;
  /** A cell's height in ticks; 0 picks one from the chart's bars (a typical bar in about 14 cells). */
  readonly bucketTicks: number;
  /** The CVD pane starts again at each UTC midnight (`session`) or never (`continuous`). */
  readonly cvdReset: 'session' | 'continuous';
  /** Bars of footprint asked of REST trade history (the exchange may give fewer; the chart shows how deep). */
  readonly historyBars: number;
  /** The volume profile beside the price scale: of the bars in view, or one per UTC day. */
  readonly volumeProfile: VolumeProfileMode;
}

export const DEFAULTS = {
  exchanges: ['binance'],
  defaultExchange: 'binance',
  defaultTimeframe: '1m',
  historyBars: 500,
  cacheDirectory: '',
  'recording.directory': '',
  'recording.markets': [],
  'recording.recordOpenMarkets': false,
  'recording.maxSizeGB': 10,
  'recording.retentionDays': 30,
  'recording.store': 'embedded',
  'recording.clickhouse.url': 'http://127.0.0.1:8123',
  'recording.clickhouse.database': 'tradesuite',
  'recording.clickhouse.user': '',
  favourites: [],
  'chart.emaPeriods': [20, 50],
  'chart.showVolume': true,
  'panels.keepHiddenPages': true,
  'panels.freeHiddenCanvasesAfterSeconds': 60,
  'orderBook.levels': 20,
  'timeAndSales.minSize': 0,
  'timeAndSales.highlightSize': 100_000,
  'heatmap.sampleMs': 100,
  'heatmap.levels': BOOK_DEPTH,
  'heatmap.minutes': 30,
  'footprint.imbalanceRatio': 3,
  'footprint.bucketTicks': 0,
  'footprint.cvdReset': 'session',
  'footprint.historyBars': 120,
  'footprint.volumeProfile': 'visible' as VolumeProfileMode,
  'alerts.configPath': '',
  aggregates: [],
} as const;

const MAX_LIST = 100;

/**
 * `read(key)` is the raw value of `tradesuite.<key>` (undefined when unset). Never throws: every problem is one
 * line naming the setting, the value and what was used instead; the rest of the settings are unaffected.
 */
export function parseSettings(read: (key: string) => unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const bad = (key: string, value: unknown, expected: string, fallback: unknown) => problems.push(`tradesuite.${key}: expected ${expected}, got ${show(value)}; using ${show(fallback)}`);
  /** The value when set and valid, else the default (a set but invalid value reported). */
  const one = <T>(key: keyof typeof DEFAULTS, valid: (v: unknown) => v is T, expected: string, fallback: T): T => {
    const v = safeRead(read, key);
    if (v === undefined) return fallback;
    if (valid(v)) return v;
    bad(key, v, expected, fallback);
    return fallback;
  };
  /** A list: not a list → the default; a bad item → reported and left out. */
  const list = <T>(key: keyof typeof DEFAULTS, item: (v: unknown, where: string) => T | string, fallback: readonly T[]): T[] => {
    const v = safeRead(read, key);
    if (v === undefined) return [...fallback];
    if (!Array.isArray(v) || v.length > MAX_LIST) {
      bad(key, v, `a list of at most ${MAX_LIST} items`, fallback);
      return [...fallback];
    }
    const out: T[] = [];
    v.forEach((x, i) => {
      const r = item(x, `tradesuite.${key}[${i}]`);
      if (typeof r === 'string') problems.push(`${r}; left out`);
      else out.push(r);
    });
    return out;
  };

  // An exchange, or a favourite, listed twice gave the Markets view two rows of one id, which VS Code refuses (it showed none).
  const exchangeIds = new Set<string>();
  const exchanges = list<ExchangeSettings>(
    'exchanges',
    (x, where) => {
      let parsed: ExchangeSettings;
      try {
        parsed = parseExchangeSettings(x, where, (problem) => problems.push(problem));
      } catch (err) {
        return userMessage(err);
      }
      if (exchangeIds.has(parsed.id)) return `${where}: "${parsed.id}" is listed above (an exchange is listed once: the first entry is used)`;
      exchangeIds.add(parsed.id);
      return parsed;
    },
    DEFAULTS.exchanges.map((id) => ({ id })),
  );
  const exchangeFallback = exchanges[0]?.id ?? DEFAULTS.defaultExchange;
  const defaultExchange = one('defaultExchange', (v): v is string => typeof v === 'string' && exchangeIdProblem(v) === undefined, 'a ccxt exchange id with live streams', exchangeFallback);
  const favourites = list('favourites', onceEach(marketRef), []);
  const names = new Set<string>();
  const aggregates = list(
    'aggregates',
    (x, where) => {
      const def = parseAggregateSetting(x, where);
      if (typeof def === 'string') return def;
      if (names.has(def.name)) return `${where}.name: "${def.name}" is the name of an aggregate above`;
      names.add(def.name);
      return def;
    },
    [],
  );
  const emaPeriods = list('chart.emaPeriods', (x, where) => (isInt(x, 1, 1000) ? x : `${where}: expected a whole number from 1 to 1000, got ${show(x)}`), DEFAULTS['chart.emaPeriods']);
  const settings: Settings = {
    exchanges,
    defaultExchange,
    defaultTimeframe: one('defaultTimeframe', (v): v is Timeframe => typeof v === 'string' && isTimeframe(v), 'a timeframe such as "1m", "1h" or "1d"', DEFAULTS.defaultTimeframe),
    historyBars: one('historyBars', (v): v is number => isInt(v, 1, 5000), 'a whole number from 1 to 5000', DEFAULTS.historyBars),
    cacheDirectory: one('cacheDirectory', (v): v is string => typeof v === 'string' && (v === '' || (path.isAbsolute(v) && v.length <= 1000 && !hasControlChar(v))), 'an absolute directory path (or "" for the default)', DEFAULTS.cacheDirectory),
    recording: {
      markets: list('recording.markets', marketRef, []),
      recordOpenMarkets: one('recording.recordOpenMarkets', (v): v is boolean => typeof v === 'boolean', 'true or false', DEFAULTS['recording.recordOpenMarkets']),
      maxSizeGB: one('recording.maxSizeGB', (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100_000, 'a size in GB from 0 (no budget) to 100000', DEFAULTS['recording.maxSizeGB']),
      retentionDays: one('recording.retentionDays', (v): v is number => isInt(v, 0, 36_500), 'a whole number of days (0: kept for ever)', DEFAULTS['recording.retentionDays']),
      store: one('recording.store', (v): v is 'embedded' | 'clickhouse' => v === 'embedded' || v === 'clickhouse', '"embedded" or "clickhouse"', DEFAULTS['recording.store']),
      clickhouse: {
        url: one('recording.clickhouse.url', (v): v is string => typeof v === 'string' && /^https?:\/\/[^\s/]+\/?$/.test(v), 'an http(s) URL of a ClickHouse server such as "http://127.0.0.1:8123"', DEFAULTS['recording.clickhouse.url']),
        database: one('recording.clickhouse.database', (v): v is string => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(v), 'a database name of letters, digits and _', DEFAULTS['recording.clickhouse.database']),
        user: one('recording.clickhouse.user', (v): v is string => typeof v === 'string' && v.length <= 200 && !hasControlChar(v), 'a user name ("": the server\'s default user)', DEFAULTS['recording.clickhouse.user']),
      },
    },
    recordingDirectory: one('recording.directory', (v): v is string => typeof v === 'string' && (v === '' || (path.isAbsolute(v) && v.length <= 1000 && !hasControlChar(v))), 'an absolute directory path (or "" for the default)', DEFAULTS['recording.directory']),
    favourites,
    chart: { emaPeriods, showVolume: one('chart.showVolume', (v): v is boolean => typeof v === 'boolean', 'true or false', DEFAULTS['chart.showVolume']) },
    panels: {
      keepHiddenPages: one('panels.keepHiddenPages', (v): v is boolean => typeof v === 'boolean', 'true or false', DEFAULTS['panels.keepHiddenPages']),
      freeHiddenCanvasesAfterSeconds: one('panels.freeHiddenCanvasesAfterSeconds', (v): v is number => isInt(v, 0, 86_400), 'a whole number of seconds from 0 (at once) to 86400', DEFAULTS['panels.freeHiddenCanvasesAfterSeconds']),
    },
    footprint: {
      imbalanceRatio: one('footprint.imbalanceRatio', (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 1.1 && v <= 100, 'a number from 1.1 to 100', DEFAULTS['footprint.imbalanceRatio']),
      bucketTicks: one('footprint.bucketTicks', (v): v is number => isInt(v, 0, 1_000_000), 'a whole number of ticks from 0 (automatic) to 1000000', DEFAULTS['footprint.bucketTicks']),
      cvdReset: one('footprint.cvdReset', (v): v is 'session' | 'continuous' => v === 'session' || v === 'continuous', '"session" or "continuous"', DEFAULTS['footprint.cvdReset']),
      historyBars: one('footprint.historyBars', (v): v is number => isInt(v, 1, 1000), 'a whole number from 1 to 1000', DEFAULTS['footprint.historyBars']),
      volumeProfile: one('footprint.volumeProfile', (v): v is VolumeProfileMode => (VOLUME_PROFILE_MODES as readonly unknown[]).includes(v), '"visible" or "session"', DEFAULTS['footprint.volumeProfile']),
    },
    // No more than the engine's book holds; a larger whole number gets all it holds rather than the default.
    orderBookLevels: one(
      'orderBook.levels',
      (v): v is number => isInt(v, 5, BOOK_DEPTH),
      `a whole number from 5 to ${BOOK_DEPTH} (the engine keeps ${BOOK_DEPTH} levels per side of a book)`,
      isInt(safeRead(read, 'orderBook.levels'), BOOK_DEPTH + 1, Number.MAX_SAFE_INTEGER) ? BOOK_DEPTH : DEFAULTS['orderBook.levels'],
    ),
    domMultiples: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    timeAndSales: {
      minSize: one('timeAndSales.minSize', isSize, 'a number from 0 to 1e12', DEFAULTS['timeAndSales.minSize']),
      highlightSize: one('timeAndSales.highlightSize', isSize, 'a number from 0 to 1e12', DEFAULTS['timeAndSales.highlightSize']),
    },
    heatmap: {
      sampleMs: one('heatmap.sampleMs', (v): v is number => isInt(v, 20, 10_000), 'a whole number of milliseconds from 20 to 10000', DEFAULTS['heatmap.sampleMs']),
      // No more than the engine's book holds: a larger value would be a promise the panel cannot keep.
      levels: one('heatmap.levels', (v): v is number => isInt(v, 10, BOOK_DEPTH), `a whole number from 10 to ${BOOK_DEPTH} (the engine keeps ${BOOK_DEPTH} levels per side of a book)`, DEFAULTS['heatmap.levels']),
      minutes: one('heatmap.minutes', (v): v is number => isInt(v, 1, 240), 'a whole number of minutes from 1 to 240', DEFAULTS['heatmap.minutes']),
    },
    aggregates,
    alertsConfigPath: one('alerts.configPath', (v): v is string => typeof v === 'string' && v.length <= 1000 && !hasControlChar(v), 'a file path (or "" for alerts.yaml in the workspace)', DEFAULTS['alerts.configPath']),
  };
  return { settings, problems };
}

/**
 * "exchange:SYMBOL" (favourites, recorded markets): an aggregate's leg's spelling (LEG_PATTERN, which package.json's
 * schema for both lists spells too), so VS Code underlines no entry the parser then reports, and none it takes.
 */
function marketRef(x: unknown, where: string): { exchange: string; symbol: string } | string {
  return parseLegRef(x) ?? `${where}: expected "exchange:SYMBOL" such as "binance:BTC/USDT" (a lowercase exchange id of 1 to ${MAX_EXCHANGE_ID_CHARS} letters and digits, a colon, and a symbol of 1 to ${MAX_SYMBOL_CHARS} characters, no control characters, none beyond U+FFFF), got ${show(x)}`;
}

/** `parse` refusing a market listed above in the same list. */
function onceEach(parse: typeof marketRef): typeof marketRef {
  const seen = new Set<string>();
  return (x, where) => {
    const m = parse(x, where);
    if (typeof m === 'string') return m;
    const id = `${m.exchange}:${m.symbol}`;
    if (seen.has(id)) return `${where}: "${id}" is listed above`;
    seen.add(id);
    return m;
  };
}

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e12;
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** A getter in a settings object may throw; that is a bad value, not a failed activation. */
function safeRead(read: (key: string) => unknown, key: string): unknown {
  try {
    return read(key);
  } catch {
    return undefined;
  }
}
