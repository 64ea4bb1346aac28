/** The candle cache's rows file: one header line, then one `time,open,high,low,close,volume` line per bar. Pure. */
import { checkAmount, checkPrice, type MarketContext } from '../exchange/plausible';
import type { Candle } from '../types';

export const HEADER = 'time,open,high,low,close,volume';

export function formatRows(candles: readonly Candle[], withHeader = true): string {
  const lines = withHeader ? [HEADER] : [];
  for (const c of candles) lines.push(`${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
  return lines.join('\n') + '\n';
}

/**
 * Rows, or a description of the first problem found. Rows out of order, or two of one time, are put in order with
 * the later line winning: bars appended by two windows at once (candleCache.ts) repeat one another, and are not
 * damage. A line that is not six numbers, a price not above zero or a negative volume (no exchange sends one, and a
 * page refuses a chart snapshot holding one), or a last line without its newline, is.
 */
export function parseRows(text: string): Candle[] | string {
  if (!text.endsWith('\n')) return 'file is truncated (no final newline)';
  const firstBreak = text.indexOf('\n');
  const header = text.slice(0, firstBreak);
  if (header !== HEADER) return `unexpected header ${JSON.stringify(header.slice(0, 60))}`;
  return parseLines(text, firstBreak + 1, 2);
}

/**
 * The complete rows at the end of a rows file whose last `tail` characters are given (the file's start not among
 * them): the first, cut line is skipped. `undefined` when the tail does not hold a whole row or is damaged: the
 * caller reads the whole file then, which names the damage.
 */
export function parseTail(tail: string): Candle[] | undefined {
  if (!tail.endsWith('\n')) return undefined;
  const start = tail.indexOf('\n') + 1;
  if (start <= 0 || start >= tail.length) return undefined;
  const rows = parseLines(tail, start, undefined);
  return typeof rows === 'string' ? undefined : rows;
}

/** The lines from `start` (each ending in a newline) as bars; `firstLine`: the file's line number of the first, for messages. */
function parseLines(text: string, start: number, firstLine: number | undefined): Candle[] | string {
  const out: Candle[] = [];
  let ordered = true;
  let line = firstLine ?? 0;
  for (let at = start; at < text.length; line++) {
    const end = text.indexOf('\n', at);
    const parts = text.slice(at, end).split(',');
    at = end + 1;
    const nums = parts.map(Number);
    if (parts.length !== 6 || nums.some((n, i) => !Number.isFinite(n) || parts[i] === '')) return firstLine === undefined ? 'a line is not six numbers' : `line ${line} is not six numbers`;
    const [time, open, high, low, close, volume] = nums as [number, number, number, number, number, number];
    const problem = barProblem(time, [open, high, low, close], volume);
    if (problem !== undefined) return firstLine === undefined ? `a line is not a bar (${problem})` : `line ${line} is not a bar (${problem})`;
    const prev = out[out.length - 1];
    if (prev && time <= prev.time) ordered = false;
    out.push({ time, open, high, low, close, volume });
  }
  return ordered ? out : mergeCandles([], out);
}

/** Only the price checks that need no market: a cached bar has no live price to be compared with. */
const NO_MARKET: MarketContext = { now: Number.POSITIVE_INFINITY };
const OHLC = ['open', 'high', 'low', 'close'] as const;

/**
 * What makes six numbers not a bar, or undefined. Not whether low ≤ open, close ≤ high: an aggregate's bars are
 * weighted sums of its legs', which may miss that by a rounding.
 */
function barProblem(time: number, prices: readonly number[], volume: number): string | undefined {
  if (!Number.isSafeInteger(time) || time < 0) return `time ${time} is not a time in ms`;
  for (let i = 0; i < prices.length; i++) {
    const p = checkPrice(prices[i], NO_MARKET);
    if (typeof p === 'string') return `${OHLC[i]} ${p}`;
  }
  const v = checkAmount(volume);
  return typeof v === 'string' ? `volume ${v}` : undefined;
}

/** Union by time, sorted; on equal times the bar from `newer` wins (and within one list, the later one). */
export function mergeCandles(older: readonly Candle[], newer: readonly Candle[]): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const c of older) byTime.set(c.time, c);
  for (const c of newer) byTime.set(c.time, c);
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}
