import * as vscode from 'vscode';
import { parseExchangeSettings, type ExchangeSettings } from '../core/exchange/exchangeSettings';
import { userMessage } from '../core/util/log';
import { isTimeframe, type Timeframe } from '../core/timeframes';

export interface Settings {
  readonly exchanges: readonly ExchangeSettings[];
  readonly defaultExchange: string;
  readonly defaultTimeframe: Timeframe;
  readonly historyBars: number;
  readonly cacheDirectory: string;
  readonly favourites: readonly { exchange: string; symbol: string }[];
  readonly chart: { readonly emaPeriods: readonly number[]; readonly showVolume: boolean };
  readonly orderBookLevels: number;
  readonly domMultiples: readonly number[];
}

export const SECTION = 'tradesuite';

/** Reads and validates the user's settings; a bad value is reported (naming the setting) and replaced by its default. */
export function readSettings(report: (problem: string) => void): Settings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const exchanges: ExchangeSettings[] = [];
  const rawExchanges = cfg.get<unknown>('exchanges', ['binance']);
  (Array.isArray(rawExchanges) ? rawExchanges : []).forEach((raw, i) => {
    try {
      exchanges.push(parseExchangeSettings(raw, `tradesuite.exchanges[${i}]`));
    } catch (err) {
      report(userMessage(err));
    }
  });
  if (!Array.isArray(rawExchanges)) report('tradesuite.exchanges must be an array of exchange ids or objects');
  const defaultExchange = cfg.get<string>('defaultExchange', exchanges[0]?.id ?? 'binance');
  const tf = cfg.get<string>('defaultTimeframe', '1m');
  if (!isTimeframe(tf)) report(`tradesuite.defaultTimeframe: "${tf}" is not a timeframe; using 1m`);
  const positiveInt = (key: string, fallback: number, max: number) => {
    const v = cfg.get<number>(key, fallback);
    if (Number.isInteger(v) && v > 0 && v <= max) return v;
    report(`tradesuite.${key}: expected a whole number from 1 to ${max}, got ${JSON.stringify(v)}; using ${fallback}`);
    return fallback;
  };
  const favourites: { exchange: string; symbol: string }[] = [];
  for (const f of cfg.get<unknown[]>('favourites', [])) {
    const m = typeof f === 'string' ? /^([a-z0-9]+):(.+)$/.exec(f) : null;
    if (m) favourites.push({ exchange: m[1]!, symbol: m[2]! });
    else report(`tradesuite.favourites: expected "exchange:SYMBOL" such as "binance:BTC/USDT", got ${JSON.stringify(f)}`);
  }
  const ema = cfg.get<unknown[]>('chart.emaPeriods', [20, 50]).filter((p): p is number => Number.isInteger(p) && (p as number) > 0 && (p as number) <= 1000);
  return {
    exchanges,
    defaultExchange,
    defaultTimeframe: isTimeframe(tf) ? tf : '1m',
    historyBars: positiveInt('historyBars', 500, 5000),
    cacheDirectory: cfg.get<string>('cacheDirectory', ''),
    favourites,
    chart: { emaPeriods: ema, showVolume: cfg.get<boolean>('chart.showVolume', true) },
    orderBookLevels: positiveInt('orderBook.levels', 20, 500),
    domMultiples: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
  };
}

export const favouriteId = (m: { exchange: string; symbol: string }) => `${m.exchange}:${m.symbol}`;
