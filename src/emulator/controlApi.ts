/**
 * HTTP control API under /_emulator/ for tests in another process. JSON in, JSON out; invalid input → 400
 * {error}. Not subject to injected delays or REST faults, and not counted in stats().restRequests.
 */
import { isRestFaultStatus } from './faults';
import { KLINE_INTERVALS } from './klines';
import type { Replay } from './replay/replay';
import type { Json } from './json';
import type { DerivativesSnapshot } from './protocol';
import { isMalformedKind, MALFORMED_KINDS, type EmulatorLiquidation, type EmulatorStats, type EmulatorTicker, type EmulatorTrade, type ExchangeId, type LiquidationInput, type MalformedKind, type PlayPathOptions, type RestFault, type TradeInput, type WeightLimit } from './types';
import { WEIGHT_WINDOW_MS } from './binance/requestWeight';

export const CONTROL_PREFIX = '/_emulator';

/** The emulator surface the control API drives. */
export interface ControlTarget {
  readonly exchange: ExchangeId;
  readonly url: string;
  readonly symbols: string[];
  readonly seed: number;
  readonly tradesPerSecond: number;
  ccxtConfig(): { urls: unknown; options: Record<string, unknown> };
  resolveSymbol(symbol: string): string;
  stats(): EmulatorStats;
  trades(symbol: string, since?: number): readonly EmulatorTrade[];
  tickers(symbol: string, since?: number): readonly EmulatorTicker[];
  setSpread(symbol: string, levels: number): void;
  setBookHoles(symbol: string, chance: number): void;
  setMarketStatus(symbol: string, status: 'trading' | 'halted' | 'delisted'): void;
  injectTrades(symbol: string, trades: readonly TradeInput[]): EmulatorTrade[];
  playPath(symbol: string, prices: readonly number[], options?: PlayPathOptions): Promise<EmulatorTrade[]>;
  setTradesPerSecond(rate: number): void;
  dropConnections(symbol?: string): number;
  silenceConnections(symbol?: string): number;
  setDelay(ms: number): void;
  setConnectionLifetime(ms: number): void;
  announceServerShutdown(closeAfterMs?: number): number;
  readonly connectionLifetimeMs: number;
  setCandleLag(ms: number): void;
  staleNextTrades(ms: number): void;
  setWeightLimit(weight: WeightLimit): void;
  failRest(fault: RestFault): void;
  clearFaults(): void;
  sendMalformed(kind: MalformedKind, stream?: string, symbol?: string): number;
  restartAfter(afterMs: number): void;
  liquidations(symbol: string, since?: number): readonly EmulatorLiquidation[];
  injectLiquidations(symbol: string, liquidations: readonly LiquidationInput[]): EmulatorLiquidation[];
  derivatives(symbol: string): DerivativesSnapshot;
  readonly replay: Replay | undefined;
}

export interface ControlReply {
  readonly status: number;
  readonly body: Json;
  /** Runs once the response has been written (e.g. the restart fault). */
  readonly after?: () => void;
}

class BadInput extends Error {}

type Body = Record<string, unknown>;

const ok = (body: Json): ControlReply => ({ status: 200, body });
const tradesJson = (trades: readonly EmulatorTrade[]): Json => trades.map((t) => ({ ...t }));

function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadInput('request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadInput('request body must be a JSON object');
  return parsed as Body;
}

function str(body: Body, key: string, required: true): string;
function str(body: Body, key: string, required: false): string | undefined;
function str(body: Body, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new BadInput(`'${key}' is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') throw new BadInput(`'${key}' must be a non-empty string`);
  return v;
}

function num(body: Body, key: string, min: number, required: true): number;
function num(body: Body, key: string, min: number, required: false): number | undefined;
function num(body: Body, key: string, min: number, required: boolean): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new BadInput(`'${key}' is required`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new BadInput(`'${key}' must be a number >= ${min}`);
  return v;
}

function symbolOf(target: ControlTarget, value: string): string {
  try {
    return target.resolveSymbol(value);
  } catch (error) {
    throw new BadInput(error instanceof Error ? error.message : String(error));
  }
}

function queryNumber(url: URL, key: string): number | undefined {
  const v = url.searchParams.get(key);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new BadInput(`query parameter '${key}' must be a number`);
  return n;
}

function tradeInputs(value: unknown): TradeInput[] {
  if (!Array.isArray(value) || value.length === 0) throw new BadInput("'trades' must be a non-empty array of {price, amount, side, timestamp?}");
  return value.map((t: unknown, i) => {
    if (typeof t !== 'object' || t === null) throw new BadInput(`trades[${i}] must be an object`);
    const o = t as Body;
    if (typeof o.price !== 'number' || typeof o.amount !== 'number') throw new BadInput(`trades[${i}]: price and amount must be numbers`);
    if (o.side !== 'buy' && o.side !== 'sell') throw new BadInput(`trades[${i}]: side must be 'buy' or 'sell'`);
    if (o.timestamp !== undefined && typeof o.timestamp !== 'number') throw new BadInput(`trades[${i}]: timestamp must be a number`);
    return o.timestamp === undefined ? { price: o.price, amount: o.amount, side: o.side } : { price: o.price, amount: o.amount, side: o.side, timestamp: o.timestamp };
  });
}

/** Validated {side, price, amount, timestamp?} items of a liquidation injection. */
function liquidationInputs(value: unknown): LiquidationInput[] {
  if (!Array.isArray(value) || value.length === 0) throw new BadInput("'liquidations' must be a non-empty array of {side, price, amount, timestamp?}");
  return value.map((l: unknown, i) => {
    if (typeof l !== 'object' || l === null) throw new BadInput(`liquidations[${i}] must be an object`);
    const o = l as Body;
    if (typeof o.price !== 'number' || typeof o.amount !== 'number') throw new BadInput(`liquidations[${i}]: price and amount must be numbers`);
    if (o.side !== 'buy' && o.side !== 'sell') throw new BadInput(`liquidations[${i}]: side must be 'buy' or 'sell'`);
    if (o.timestamp !== undefined && typeof o.timestamp !== 'number') throw new BadInput(`liquidations[${i}]: timestamp must be a number`);
    return o.timestamp === undefined ? { side: o.side, price: o.price, amount: o.amount } : { side: o.side, price: o.price, amount: o.amount, timestamp: o.timestamp };
  });
}

/** Runs a target call whose failure is the caller's mistake (unknown symbol, not a derivatives exchange, bad values). */
function asBadInput<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new BadInput(error instanceof Error ? error.message : String(error));
  }
}

type Route = (target: ControlTarget, body: Body, url: URL) => ControlReply | Promise<ControlReply>;

function replayOf(target: ControlTarget): Replay {
  if (target.replay === undefined) throw new BadInput('the emulator is not replaying a recording (start it with --replay DIR)');
  return target.replay;
}

/** Runs a replay control and answers with the replay's state. */
function replayCommand(command: (replay: Replay, body: Body) => void): Route {
  return (t, b) => {
    const replay = replayOf(t);
    asBadInput(() => command(replay, b));
    return ok(replay.state() as unknown as Json);
  };
}

const GET_ROUTES: Readonly<Record<string, Route>> = {
  '': (t) => {
    const { urls, options } = t.ccxtConfig();
    const replay = (t.replay?.state() ?? null) as unknown as Json;
    return ok({ exchange: t.exchange, url: t.url, ccxtUrls: urls as Json, ccxtOptions: options as Json, symbols: t.symbols, seed: t.seed, tradesPerSecond: t.tradesPerSecond, replay });
  },
  '/replay': (t) => ok(replayOf(t).state() as unknown as Json),
  '/replay/trades': (t, _b, url) => {
    const since = queryNumber(url, 'since');
    const limit = queryNumber(url, 'limit');
    const trades = replayOf(t).recording.trades.filter((x) => since === undefined || x.timestamp >= since);
    return ok(tradesJson(limit === undefined ? trades : trades.slice(0, Math.max(0, limit))));
  },
  '/replay/klines': (t, _b, url) => {
    const interval = url.searchParams.get('interval') ?? '';
    const { recording } = replayOf(t);
    if (!KLINE_INTERVALS.includes(interval)) throw new BadInput(`query parameter 'interval' must be one of ${KLINE_INTERVALS.join(', ')}`);
    const klines = recording.officialKlines(interval);
    if (klines === undefined) throw new BadInput(`the recording has no official ${interval} klines (it has ${recording.officialIntervals.join(', ') || 'none'})`);
    return ok(klines.map((k) => [...k]));
  },
  '/stats': (t) => ok(t.stats() as unknown as Json),
  '/trades': (t, _b, url) => {
    const symbol = url.searchParams.get('symbol');
    if (symbol === null || symbol === '') throw new BadInput("query parameter 'symbol' is required");
    const since = queryNumber(url, 'since');
    const limit = queryNumber(url, 'limit');
    const trades = t.trades(symbolOf(t, symbol), since);
    return ok(tradesJson(limit === undefined ? trades : trades.slice(0, Math.max(0, limit))));
  },
  '/tickers': (t, _b, url) => {
    const symbol = url.searchParams.get('symbol');
    if (symbol === null || symbol === '') throw new BadInput("query parameter 'symbol' is required");
    return ok(t.tickers(symbolOf(t, symbol), queryNumber(url, 'since')).map((x) => ({ ...x })));
  },
  '/liquidations': (t, _b, url) => {
    const symbol = url.searchParams.get('symbol');
    if (symbol === null || symbol === '') throw new BadInput("query parameter 'symbol' is required");
    const since = queryNumber(url, 'since');
    return ok(asBadInput(() => t.liquidations(symbolOf(t, symbol), since)).map((x) => ({ ...x })));
  },
  '/derivatives': (t, _b, url) => {
    const symbol = url.searchParams.get('symbol');
    if (symbol === null || symbol === '') throw new BadInput("query parameter 'symbol' is required");
    return ok({ ...asBadInput(() => t.derivatives(symbolOf(t, symbol))) });
  },
};

const POST_ROUTES: Readonly<Record<string, Route>> = {
  '/inject': (t, b) => {
    const symbol = symbolOf(t, str(b, 'symbol', true));
    const inputs = tradeInputs(b.trades);
    try {
      return ok({ trades: tradesJson(t.injectTrades(symbol, inputs)) });
    } catch (error) {
      throw new BadInput(error instanceof Error ? error.message : String(error));
    }
  },
  '/play': async (t, b) => {
    const symbol = symbolOf(t, str(b, 'symbol', true));
    const prices = b.prices;
    if (!Array.isArray(prices) || prices.length === 0 || !prices.every((p) => typeof p === 'number' && Number.isFinite(p) && p > 0)) {
      throw new BadInput("'prices' must be a non-empty array of positive numbers");
    }
    const options: PlayPathOptions = {
      intervalMs: num(b, 'intervalMs', 0, false),
      amount: num(b, 'amount', Number.MIN_VALUE, false),
      startTimestamp: num(b, 'startTimestamp', 0, false),
      stepMs: num(b, 'stepMs', 1, false),
    };
    if (b.wait !== undefined && typeof b.wait !== 'boolean') throw new BadInput("'wait' must be a boolean");
    const played = t.playPath(symbol, prices as number[], options);
    if (b.wait === false) {
      played.catch((error: unknown) => console.error('[emulator] play failed:', error));
      return { status: 202, body: { accepted: true, count: prices.length } };
    }
    try {
      return ok({ trades: tradesJson(await played) });
    } catch (error) {
      throw new BadInput(error instanceof Error ? error.message : String(error));
    }
  },
  '/spread': (t, b) => {
    const symbol = symbolOf(t, str(b, 'symbol', true));
    const levels = num(b, 'levels', 0, true);
    if (!Number.isInteger(levels) || levels > 1000) throw new BadInput("'levels' must be an integer from 0 to 1000");
    t.setSpread(symbol, levels);
    return ok({ symbol, levels });
  },
  '/liquidations': (t, b) => {
    const symbol = symbolOf(t, str(b, 'symbol', true));
    const inputs = liquidationInputs(b.liquidations);
    return ok({ liquidations: asBadInput(() => t.injectLiquidations(symbol, inputs)).map((x) => ({ ...x })) });
  },
  '/market/status': (t, b) => {
    const symbol = symbolOf(t, str(b, 'symbol', true));
    const status = str(b, 'status', true);
    if (status !== 'trading' && status !== 'halted' && status !== 'delisted') throw new BadInput("'status' must be one of trading, halted, delisted");
    t.setMarketStatus(symbol, status);
    return ok({ symbol, status });
  },
  '/holes': (t, b) => {
    const symbol = symbolOf(t, str(b, 'symbol', true));
    const chance = num(b, 'chance', 0, true);
    if (chance > 1) throw new BadInput("'chance' must be a number from 0 to 1");
    t.setBookHoles(symbol, chance);
    return ok({ symbol, chance });
  },
  '/rate': (t, b) => {
    const previous = t.tradesPerSecond;
    t.setTradesPerSecond(num(b, 'tradesPerSecond', 0, true));
    return ok({ tradesPerSecond: t.tradesPerSecond, previous });
  },
  '/replay/pause': replayCommand((r) => r.pause()),
  '/replay/resume': replayCommand((r) => r.resume()),
  '/replay/speed': replayCommand((r, b) => r.setSpeed(num(b, 'speed', Number.MIN_VALUE, true))),
  '/replay/advance': replayCommand((r, b) => r.advanceTo(num(b, 'to', 0, true))),
  '/fault/drop': (t, b) => {
    const symbol = str(b, 'symbol', false);
    return ok({ dropped: t.dropConnections(symbol === undefined ? undefined : symbolOf(t, symbol)) });
  },
  '/fault/silence': (t, b) => {
    const symbol = str(b, 'symbol', false);
    return ok({ silenced: t.silenceConnections(symbol === undefined ? undefined : symbolOf(t, symbol)) });
  },
  '/connection/lifetime': (t, b) => {
    t.setConnectionLifetime(num(b, 'ms', 0, true));
    return ok({ connectionLifetimeMs: t.connectionLifetimeMs });
  },
  '/fault/serverShutdown': (t, b) => {
    const closeAfterMs = num(b, 'closeAfterMs', 0, false);
    return ok({ announced: asBadInput(() => t.announceServerShutdown(closeAfterMs)) });
  },
  '/fault/delay': (t, b) => {
    const ms = num(b, 'ms', 0, true);
    t.setDelay(ms);
    return ok({ delayMs: ms });
  },
  '/fault/candleLag': (t, b) => {
    const ms = num(b, 'ms', 0, true);
    try {
      t.setCandleLag(ms);
    } catch (error) {
      throw new BadInput(error instanceof Error ? error.message : String(error));
    }
    return ok({ candleLagMs: ms });
  },
  '/fault/weightLimit': (t, b) => {
    const limit = num(b, 'limit', 1, true);
    const windowMs = num(b, 'windowMs', 1000, false);
    asBadInput(() => t.setWeightLimit({ limit, ...(windowMs === undefined ? {} : { windowMs }) }));
    return ok({ limit, windowMs: windowMs ?? WEIGHT_WINDOW_MS });
  },
  '/fault/staleTrades': (t, b) => {
    const ms = num(b, 'ms', 0, true);
    try {
      t.staleNextTrades(ms);
    } catch (error) {
      throw new BadInput(error instanceof Error ? error.message : String(error));
    }
    return ok({ staleTradesMs: ms });
  },
  '/fault/rest': (t, b) => {
    const status = b.status;
    if (!isRestFaultStatus(status)) throw new BadInput("'status' must be one of 400, 418, 429, 500, 503, 504");
    const count = num(b, 'count', 1, false);
    if (count !== undefined && !Number.isInteger(count)) throw new BadInput("'count' must be an integer");
    const retryAfterSec = num(b, 'retryAfterSec', 0, false);
    if (retryAfterSec !== undefined && !Number.isInteger(retryAfterSec)) throw new BadInput("'retryAfterSec' must be an integer");
    const symbol = str(b, 'symbol', false);
    const fault: RestFault = { status, count, path: str(b, 'path', false), retryAfterSec, ...(symbol === undefined ? {} : { symbol: symbolOf(t, symbol) }) };
    t.failRest(fault);
    return ok({ queued: { status, count: count ?? 1, path: fault.path ?? null, symbol: fault.symbol ?? null } });
  },
  '/fault/malformed': (t, b) => {
    const kind = b.kind;
    if (!isMalformedKind(kind)) throw new BadInput(`'kind' must be ${MALFORMED_KINDS.map((k) => `'${k}'`).join(', ')}`);
    const stream = str(b, 'stream', false);
    const symbol = str(b, 'symbol', false);
    try {
      return ok({ sent: t.sendMalformed(kind, stream, symbol === undefined ? undefined : symbolOf(t, symbol)) });
    } catch (error) {
      throw new BadInput(error instanceof Error ? error.message : String(error));
    }
  },
  '/fault/restart': (t, b) => {
    const afterMs = num(b, 'afterMs', 0, false) ?? 0;
    return { status: 200, body: { restartingInMs: afterMs }, after: () => t.restartAfter(afterMs) };
  },
  '/fault/clear': (t) => {
    t.clearFaults();
    return ok({ cleared: true });
  },
};

/** Handles one /_emulator/... request. */
export async function handleControl(target: ControlTarget, method: string, url: URL, bodyText: string): Promise<ControlReply> {
  const sub = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
  const routes = method === 'GET' ? GET_ROUTES : method === 'POST' ? POST_ROUTES : undefined;
  const route = routes?.[sub];
  if (route === undefined) {
    const other = (method === 'GET' ? POST_ROUTES : GET_ROUTES)[sub];
    if (other !== undefined) return { status: 405, body: { error: `${method} not allowed on ${url.pathname}` } };
    return { status: 404, body: { error: `unknown control endpoint ${method} ${url.pathname}` } };
  }
  try {
    return await route(target, method === 'POST' ? parseBody(bodyText) : {}, url);
  } catch (error) {
    if (error instanceof BadInput) return { status: 400, body: { error: error.message } };
    throw error;
  }
}
