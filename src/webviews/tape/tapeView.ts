/** The time & sales webview's model: the rows shown (newest first, bounded), the filter choices, and cell text. Pure; no DOM. */
import type { TapeLateOlderWire, TapeLiquidationsWire, TapeMissingWire, TapeRowWire } from '../../shared/protocol';
import { columnDecimals } from '../shared/amountColumn';
import { formatAmount, formatCount, formatTimeUtc } from '../shared/format';
import { missingSpanTime } from '../shared/tradesMissing';

/** What the tape lists, newest first: a row, a span whose trades will never come, or late trades older than every row kept. */
export type TapeLine =
  | { readonly kind: 'row'; readonly row: TapeRowWire }
  | { readonly kind: 'missing'; readonly span: TapeMissingWire }
  | { readonly kind: 'lateOlder'; readonly late: TapeLateOlderWire };

/**
 * Folds the host's changed rows (oldest first) into the rows shown (newest first, ids descending): a row whose id
 * is shown is replaced in place, a new one goes where its id belongs; at most `maxRows` are kept. O(shown + changed).
 */
export function applyTapeRows(shown: readonly TapeRowWire[], changed: readonly TapeRowWire[], maxRows: number): TapeRowWire[] {
  if (changed.length === 0) return shown as TapeRowWire[];
  const incoming = [...changed].sort((a, b) => b[0] - a[0]);
  const out: TapeRowWire[] = [];
  let i = 0;
  let j = 0;
  while (out.length < maxRows && (i < incoming.length || j < shown.length)) {
    const a = incoming[i];
    const b = shown[j];
    if (a !== undefined && (b === undefined || a[0] > b[0])) {
      if (out.at(-1)?.[0] !== a[0]) out.push(a);
      i++;
    } else if (a !== undefined && b !== undefined && a[0] === b[0]) {
      if (out.at(-1)?.[0] !== a[0]) out.push(a);
      i++;
      j++;
    } else if (b !== undefined) {
      out.push(b);
      j++;
    }
  }
  return out;
}

/**
 * The rows shown (newest first) with each span of missing trades where it belongs: above the first row no later than
 * its start (the trade the hole follows), so the rows above it are the stream's after the pick-up. A span older than
 * every row shown stays at the bottom while the tape still holds everything since it opened (`full` false), or
 * while it reaches into the rows shown; else it has scrolled out with its rows. O(rows + spans log spans).
 */
export function tapeLines(rows: readonly TapeRowWire[], missing: readonly TapeMissingWire[], full: boolean, lateOlder: readonly TapeLateOlderWire[] = []): TapeLine[] {
  const spans = [...missing].sort((a, b) => b.from - a.from);
  const out: TapeLine[] = [];
  let k = 0;
  for (const row of rows) {
    for (let span = spans[k]; span !== undefined && row[1] <= span.from; span = spans[++k]) out.push({ kind: 'missing', span });
    out.push({ kind: 'row', row });
  }
  const oldest = rows.at(-1)?.[1];
  for (const span of spans.slice(k)) if (!full || oldest === undefined || (span.until ?? span.from) >= oldest) out.push({ kind: 'missing', span });
  // Older than every row the host kept when they came: at the bottom, newest first, whatever has scrolled out since.
  for (let i = lateOlder.length - 1; i >= 0; i--) out.push({ kind: 'lateOlder', late: lateOlder[i] as TapeLateOlderWire });
  return out;
}

/** Late trades older than every row kept: "412 trades (3.2 BTC) of 12:01:03–12:01:09 came late from REST, older than the rows kept". */
export function lateOlderLabel(late: TapeLateOlderWire, base: string | undefined): string {
  const when = late.from === late.until ? formatTimeUtc(late.from) : `${formatTimeUtc(late.from)}–${formatTimeUtc(late.until)}`;
  const trades = late.trades === 1 ? '1 trade' : `${formatCount(late.trades)} trades`;
  return `${trades} (${formatAmount(late.volume)} ${base ?? 'volume'}) of ${when} came late from REST after a reconnect, older than the rows kept`;
}

/** A missing span's line: "trades missing 12:01:03–12:01:09: HTTP 503 …" (from its start when the stream had not picked up). */
export function missingLabel(span: TapeMissingWire): string {
  return `trades missing ${missingSpanTime(span)}: ${span.reason}`;
}

/** The thresholds offered in the toolbar (quote currency), with the current one always among them. */
export function sizeChoices(current: number): number[] {
  return [...new Set([0, 1_000, 10_000, 50_000, 100_000, 250_000, 1_000_000, current])].sort((a, b) => a - b);
}

/** 0 → "all", 1000 → "1K", 2500000 → "2.5M": a threshold as the toolbar shows it. */
export function sizeLabel(x: number): string {
  if (!(x > 0)) return 'all';
  const units: [number, string][] = [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [u, s] of units) if (x >= u) return `${Number((x / u).toPrecision(3))}${s}`;
  return String(Number(x.toPrecision(3)));
}

/** Whether a row is a big print: its value (price × amount) reaches the threshold (0: none is). */
export function isBigPrint(row: TapeRowWire, highlightSize: number): boolean {
  return highlightSize > 0 && row[2] * row[3] >= highlightSize;
}

/** A liquidation row's meaning, from its order's side: a sell closed a long position, a buy a short one. */
export function liquidationLabel(side: 'buy' | 'sell'): string {
  return side === 'sell' ? 'Liquidation: a long position closed' : 'Liquidation: a short position closed';
}

/** The stats line's words for the liquidation stream's state. */
export function liquidationsLine(l: TapeLiquidationsWire): string {
  switch (l.status) {
    case 'live':
      return 'liquidations live';
    case 'connecting':
      return 'liquidations: none yet'; // the stream says live at its first liquidation
    case 'failed':
      return `no liquidations: ${l.reason ?? 'the stream failed'}`;
    default:
      return `liquidations ${l.status}${l.reason ? `: ${l.reason}` : ''}`;
  }
}

/** The lot step a row's size is shown with: its leg's on an aggregate's tape (none known: undefined), else the market's. */
export function rowAmountStep(row: TapeRowWire, amountStep: number | undefined, legAmountSteps: readonly (number | null)[] | undefined): number | undefined {
  const leg = row[6];
  if (leg === undefined || leg === null) return amountStep;
  return legAmountSteps?.[leg] ?? undefined;
}

/**
 * The size column's decimals (its points line up: amountColumn.ts): on an aggregate's tape the most of its legs' lot
 * steps (a row of a coarser leg keeps the room of those it does not show), else the market's.
 */
export function sizeDecimals(amountStep: number | undefined, legAmountSteps: readonly (number | null)[] | undefined): number {
  return columnDecimals(legAmountSteps !== undefined && legAmountSteps.length > 0 ? legAmountSteps.map((s) => s ?? undefined) : [amountStep]);
}

/** The minute's volume in its base currency (38.778 BTC); "volume" until the market is known. */
export function minuteVolumeLabel(volume: string, base: string | undefined): string {
  return `${volume} ${base ?? 'volume'}`;
}
