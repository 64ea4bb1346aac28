import { parseLegRef } from '../../core/aggregate/parseAggregateSetting';
import { hasControlChar } from '../../shared/util/controlChars';
import { MAX_SYMBOL_CHARS } from '../../shared/util/marketName';
import { isMarket } from './marketNodes';

/** A market named to a command by code, a keybinding's `args` or a tree node: what it names, and anything else it carries. */
export type NamedMarket = { readonly exchange: string; readonly symbol: string } & Readonly<Record<string, unknown>>;

const isSymbol = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= MAX_SYMBOL_CHARS && !hasControlChar(v);

/**
 * The market a command's argument names: `{ exchange, symbol, … }` as it is; `{ symbol, … }` or `"BTC/USDT"` on
 * `defaultExchange` (tradesuite.defaultExchange: a keybinding need not name one); `"bybit:BTC/USDT:USDT"` as a
 * favourite spells it. Undefined for anything else (the command then asks for a market).
 */
export function marketOfArg(arg: unknown, defaultExchange: string): NamedMarket | undefined {
  if (isMarket(arg)) return arg as NamedMarket;
  if (typeof arg === 'string') {
    const leg = parseLegRef(arg);
    if (leg) return { exchange: leg.exchange, symbol: leg.symbol };
    return isSymbol(arg) ? { exchange: defaultExchange, symbol: arg.trim() } : undefined;
  }
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
    const o = arg as Record<string, unknown>;
    if (o.exchange === undefined && isSymbol(o.symbol)) return { ...o, exchange: defaultExchange, symbol: o.symbol.trim() };
  }
  return undefined;
}
