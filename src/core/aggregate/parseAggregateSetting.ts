/** One entry of the `tradesuite.aggregates` setting (untrusted) → an AggregateDefinition, or one line naming what is wrong. */
import { hasControlChar } from '../../shared/util/controlChars';
import { MAX_EXCHANGE_ID_CHARS, MAX_SYMBOL_CHARS } from '../../shared/util/marketName';
import { show } from '../exchange/plausible';
import { MAX_AGGREGATE_NAME_CHARS, MAX_LEGS, type AggregateDefinition, type AggregateLeg } from './aggregateDefinition';

/**
 * A symbol's character: none of the controls (C0, DEL), line separators or UTF-16 surrogates. Spelled as ranges, with
 * no `.`, so the pattern says the same with the `u` flag (VS Code checks a setting's pattern with it) as without (here):
 * a character beyond U+FFFF is refused by both, and a symbol's length counts the same.
 */
const SYMBOL_CHAR = '[\\u0020-\\u007e\\u0080-\\u2027\\u202a-\\ud7ff\\ue000-\\uffff]';
/** `"exchange:SYMBOL"` as package.json's schema for `tradesuite.aggregates` spells it (a unit test holds them equal). */
export const LEG_PATTERN = `^([a-z0-9]{1,${MAX_EXCHANGE_ID_CHARS}}):(${SYMBOL_CHAR}{1,${MAX_SYMBOL_CHARS}})$`;
const LEG = new RegExp(LEG_PATTERN);

/** `"exchange:SYMBOL"` → a leg, or undefined. */
export function parseLegRef(v: unknown): AggregateLeg | undefined {
  const m = typeof v === 'string' ? LEG.exec(v) : null;
  const [, exchange, symbol] = m ?? [];
  return exchange !== undefined && symbol !== undefined ? { exchange, symbol } : undefined;
}

export const legRef = (l: AggregateLeg): string => `${l.exchange}:${l.symbol}`;

/**
 * `{ "name": "BTC-USD (agg)", "legs": ["binance:BTC/USDT", "coinbase:BTC/USD"], "price": "vwap" | "exchange:SYMBOL",
 * "usdtIsUsd": false }`. Only the shape is checked here; whether the legs fit their markets is checked when the
 * aggregate opens (resolveLegs), where the markets are known.
 */
export function parseAggregateSetting(raw: unknown, where: string): AggregateDefinition | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${where}: expected an object with "name" and "legs", got ${show(raw)}`;
  const r = raw as Record<string, unknown>;
  let name: unknown, legs: unknown, price: unknown, usdtIsUsd: unknown;
  try {
    ({ name, legs, price, usdtIsUsd } = r);
  } catch {
    return `${where}: cannot be read`;
  }
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_AGGREGATE_NAME_CHARS || hasControlChar(name)) return `${where}.name: expected a name of 1 to ${MAX_AGGREGATE_NAME_CHARS} characters, got ${show(name)}`;
  if (!Array.isArray(legs) || legs.length < 2 || legs.length > MAX_LEGS) return `${where}.legs: expected a list of 2 to ${MAX_LEGS} "exchange:SYMBOL" entries, got ${show(legs)}`;
  const parsed: AggregateLeg[] = [];
  for (const [i, v] of legs.entries()) {
    const leg = parseLegRef(v);
    if (!leg) return `${where}.legs[${i}]: expected "exchange:SYMBOL" such as "binance:BTC/USDT", got ${show(v)}`;
    if (parsed.some((p) => legRef(p) === legRef(leg))) return `${where}.legs[${i}]: ${legRef(leg)} is listed twice`;
    parsed.push(leg);
  }
  let priceOf: AggregateDefinition['price'] = { kind: 'vwap' };
  if (price !== undefined && price !== 'vwap') {
    const leg = parseLegRef(price);
    const index = leg ? parsed.findIndex((p) => legRef(p) === legRef(leg)) : -1;
    if (index < 0) return `${where}.price: expected "vwap" or one of the legs, got ${show(price)}`;
    priceOf = { kind: 'leg', leg: index };
  }
  if (usdtIsUsd !== undefined && typeof usdtIsUsd !== 'boolean') return `${where}.usdtIsUsd: expected true or false, got ${show(usdtIsUsd)}`;
  return { name: name.trim(), legs: parsed, price: priceOf, usdtIsUsd: usdtIsUsd ?? false };
}
