/** The time & sales model: trades merged into tape rows, a bounded ring of rows, and the last minute's count and volume. Pure; no vscode import. */
import type { AggregateLeg } from '../../core/aggregate/aggregateDefinition';
import type { Trade, TradeSide } from '../../core/types';
import { MAX_LEG_LABEL_CHARS, MAX_TAPE_LATE_OLDER, type TapeLateOlderWire, type TapeRowWire, type TapeStatsWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';

interface TapeRow {
  /** Renumbered in time order when a late batch is placed among the rows (see addLate). */
  id: number;
  /** An aggregate's row: its leg. */
  readonly leg: number | undefined;
  readonly time: number;
  readonly price: number;
  readonly side: TradeSide;
  readonly liquidation: boolean;
  /** Trades of a reconnect's hole, fetched from REST after the stream had moved past them. */
  readonly late: boolean;
  amount: number;
  trades: number;
}

/** A print the tape shows: a trade, or a liquidation with `side` its order's side. */
export interface TapePrint {
  readonly timestamp: number;
  readonly price: number;
  readonly amount: number;
  readonly side: TradeSide;
}

function wire(r: TapeRow): TapeRowWire {
  if (r.late) return [r.id, r.time, r.price, r.amount, r.side, r.trades, r.leg ?? null, 0, 1];
  if (r.liquidation) return [r.id, r.time, r.price, r.amount, r.side, r.trades, r.leg ?? null, 1];
  return r.leg === undefined ? [r.id, r.time, r.price, r.amount, r.side, r.trades] : [r.id, r.time, r.price, r.amount, r.side, r.trades, r.leg];
}

/** The rows of the newest millisecond seen of one kind (trades, liquidations), by price, side and leg: only they can still grow. */
class OpenRows {
  private ms = Number.NaN;
  private readonly rows = new Map<string, TapeRow>();

  find(p: TapePrint, leg: number | undefined): { key: string; row: TapeRow | undefined } {
    if (p.timestamp !== this.ms) {
      this.ms = p.timestamp;
      this.rows.clear();
    }
    const key = leg === undefined ? `${p.price}|${p.side}` : `${p.price}|${p.side}|${leg}`;
    return { key, row: this.rows.get(key) };
  }

  open(key: string, row: TapeRow): void {
    this.rows.set(key, row);
  }
}

/**
 * Trades of the same millisecond, price and side (and, on an aggregate's tape, leg: `legOf`) make one row (as
 * aggr.trade merges them); any other trade starts a new row. Liquidations make rows of their own by the same rule,
 * never merged with trades' rows. Rows are kept newest last in a ring of `capacity`; adding a print is O(1).
 */
export class TradeTape {
  private readonly ring: (TapeRow | undefined)[];
  private start = 0;
  private count = 0;
  private nextId = 0;
  private readonly openTrades = new OpenRows();
  private readonly openLiquidations = new OpenRows();
  private readonly minute = new MinuteWindow();
  /** Late trades older than every row kept, summed per batch (the newest MAX_TAPE_LATE_OLDER, oldest first). */
  private older: TapeLateOlderWire[] = [];

  constructor(
    readonly capacity: number,
    private readonly legOf?: (t: Trade) => number | undefined,
  ) {
    this.ring = new Array<TapeRow | undefined>(Math.max(1, Math.floor(capacity)));
  }

  /** Adds a batch of trades (oldest first); returns the rows it created or changed, oldest first. */
  add(trades: readonly Trade[]): TapeRowWire[] {
    const changed = new Map<number, TapeRow>();
    for (const t of trades) {
      this.minute.add(t.timestamp, t.amount);
      this.merge(this.openTrades, t, this.legOf?.(t), false, changed);
    }
    return [...changed.values()].sort((a, b) => a.id - b.id).map(wire);
  }

  /**
   * Adds a batch of liquidations (oldest first; `side` the side of each one's order, amounts in base units), of leg
   * `leg` on an aggregate's tape; returns the rows it created or changed, oldest first. They are not counted as trades.
   */
  addLiquidations(liquidations: readonly TapePrint[], leg?: number): TapeRowWire[] {
    const changed = new Map<number, TapeRow>();
    for (const l of liquidations) this.merge(this.openLiquidations, l, leg, true, changed);
    return [...changed.values()].sort((a, b) => a.id - b.id).map(wire);
  }

  private merge(open: OpenRows, p: TapePrint, leg: number | undefined, liquidation: boolean, changed: Map<number, TapeRow>): void {
    const { key, row } = open.find(p, leg);
    if (row) {
      row.amount += p.amount;
      row.trades++;
      changed.set(row.id, row);
      return;
    }
    const fresh: TapeRow = { id: this.nextId++, leg, time: p.timestamp, price: p.price, side: p.side, liquidation, late: false, amount: p.amount, trades: 1 };
    open.open(key, fresh);
    this.push(fresh);
    changed.set(fresh.id, fresh);
  }

  /**
   * Adds a batch of late trades (a reconnect's hole, fetched from REST after the stream moved past them; oldest
   * first): merged among themselves by the same rule as the stream's (never into the stream's rows), each row flagged
   * late and placed among the rows in time order. Those older than the oldest row kept when the ring is full (or
   * pushed out by the rows placed) are summed into one `olderLate` entry instead. They count in the minute's stats
   * when they fall in its window. The rows from the first placed on are renumbered in time order (ids stay in time
   * order): the caller sends the rows again (a snapshot). O(batch + rows) once per batch; returns whether anything
   * changed.
   */
  addLate(trades: readonly Trade[]): boolean {
    const open = new OpenRows();
    const late: TapeRow[] = [];
    for (const t of trades) {
      this.minute.add(t.timestamp, t.amount);
      const leg = this.legOf?.(t);
      const { key, row } = open.find(t, leg);
      if (row) {
        row.amount += t.amount;
        row.trades++;
        continue;
      }
      const fresh: TapeRow = { id: -1, leg, time: t.timestamp, price: t.price, side: t.side, liquidation: false, late: true, amount: t.amount, trades: 1 };
      open.open(key, fresh);
      late.push(fresh);
    }
    if (late.length === 0) return false;
    late.sort((a, b) => a.time - b.time); // stable: REST's order within a millisecond
    const held = this.oldestFirst();
    const cap = this.ring.length;
    const oldest = held[0]?.time;
    const summed = { trades: 0, volume: 0, from: Number.POSITIVE_INFINITY, until: Number.NEGATIVE_INFINITY };
    const sum = (r: TapeRow): void => {
      summed.trades += r.trades;
      summed.volume += r.amount;
      summed.from = Math.min(summed.from, r.time);
      summed.until = Math.max(summed.until, r.time);
    };
    // A late row goes after the held rows of its millisecond: they came first.
    const merged: TapeRow[] = [];
    let j = 0;
    for (const r of late) {
      if (this.count >= cap && oldest !== undefined && r.time < oldest) {
        sum(r);
        continue;
      }
      while (j < held.length && (held[j] as TapeRow).time <= r.time) merged.push(held[j++] as TapeRow);
      merged.push(r);
    }
    while (j < held.length) merged.push(held[j++] as TapeRow);
    const drop = Math.max(0, merged.length - cap);
    for (let i = 0; i < drop; i++) if ((merged[i] as TapeRow).late) sum(merged[i] as TapeRow);
    this.ring.fill(undefined);
    this.start = 0;
    this.count = 0;
    // The rows before the first late one keep their ids (a page keeps their elements); from it on, new ones in time order.
    let renumber = false;
    for (let i = drop; i < merged.length; i++) {
      const r = merged[i] as TapeRow;
      renumber ||= r.late && r.id < 0;
      if (renumber) r.id = this.nextId++;
      this.ring[this.count++] = r;
    }
    if (summed.trades > 0) this.older = [...this.older, { from: summed.from, until: summed.until, trades: summed.trades, volume: summed.volume }].slice(-MAX_TAPE_LATE_OLDER);
    return true;
  }

  /** Late trades older than every row kept when they came: each batch's count, volume and span, oldest first. */
  olderLate(): readonly TapeLateOlderWire[] {
    return this.older;
  }

  private oldestFirst(): TapeRow[] {
    const out: TapeRow[] = [];
    for (let k = 0; k < this.count; k++) {
      const row = this.ring[(this.start + k) % this.ring.length];
      if (row) out.push(row);
    }
    return out;
  }

  /** Every row held, newest first. */
  rows(): TapeRowWire[] {
    const out: TapeRowWire[] = [];
    for (let k = this.count - 1; k >= 0; k--) {
      const row = this.ring[(this.start + k) % this.ring.length];
      if (row) out.push(wire(row));
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  stats(): TapeStatsWire {
    return this.minute.stats();
  }

  private push(row: TapeRow): void {
    const cap = this.ring.length;
    if (this.count < cap) {
      this.ring[(this.start + this.count) % cap] = row;
      this.count++;
    } else {
      this.ring[this.start] = row;
      this.start = (this.start + 1) % cap;
    }
  }
}

const SECONDS = 60;

/**
 * Trades and volume over the last minute of market time (the 60 whole seconds up to the newest trade's), in one
 * bucket per second: O(1) per trade, O(60) per read. A trade older than the window is not counted.
 */
export class MinuteWindow {
  private readonly second = new Float64Array(SECONDS).fill(-1);
  private readonly trades = new Float64Array(SECONDS);
  private readonly volume = new Float64Array(SECONDS);
  private newest = -Infinity;

  add(timestamp: number, amount: number): void {
    const s = Math.floor(timestamp / 1000);
    if (!Number.isFinite(s) || s <= this.newest - SECONDS) return;
    if (s > this.newest) this.newest = s;
    const i = ((s % SECONDS) + SECONDS) % SECONDS;
    if (this.second[i] !== s) {
      this.second[i] = s;
      this.trades[i] = 0;
      this.volume[i] = 0;
    }
    this.trades[i] = (this.trades[i] ?? 0) + 1;
    this.volume[i] = (this.volume[i] ?? 0) + amount;
  }

  stats(): TapeStatsWire {
    let tradesPerMinute = 0;
    let volumePerMinute = 0;
    for (let i = 0; i < SECONDS; i++) {
      if ((this.second[i] ?? -1) > this.newest - SECONDS) {
        tradesPerMinute += this.trades[i] ?? 0;
        volumePerMinute += this.volume[i] ?? 0;
      }
    }
    return { tradesPerMinute, volumePerMinute };
  }
}

/** A row's size in quote currency, what the filter and the big-print threshold compare with. */
export const rowValue = (r: TapeRowWire): number => r[2] * r[3];

/** The rows a filter keeps (order unchanged). */
export function passesFilter(rows: readonly TapeRowWire[], minSize: number): TapeRowWire[] {
  return minSize > 0 ? rows.filter((r) => rowValue(r) >= minSize) : [...rows];
}

/**
 * The exchange column's names: a leg's exchange, or its exchange and symbol where two legs share an exchange (as long
 * as the page takes: a setting's symbol may be longer).
 */
export function legNames(legs: readonly AggregateLeg[]): string[] {
  return legs.map((l) => clip(legs.filter((o) => o.exchange === l.exchange).length > 1 ? `${l.exchange} ${l.symbol}` : l.exchange, MAX_LEG_LABEL_CHARS));
}
