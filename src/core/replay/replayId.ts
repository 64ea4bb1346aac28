/** The name of a replayed market's exchange: `replay:<exchange>:<symbol>@<UTC start>`, built and read in one place. */
import { TradeSuiteError } from '../errors';
import type { RecordedMarket } from '../record/recordTypes';

export const REPLAY_PREFIX = 'replay:';

/** What a replay plays: one recorded market from a start time on. */
export interface ReplayTarget {
  readonly market: RecordedMarket;
  /** Epoch ms: the replay begins here (what came before is its history). */
  readonly start: number;
}

export class InvalidReplayIdError extends TradeSuiteError {
  constructor(readonly id: string, detail: string) {
    super(`"${id}" is not a replay: ${detail}. Expected replay:<exchange>:<symbol>@<YYYY-MM-DDTHH:MM[:SS[.mmm]]> (UTC), e.g. replay:binance:BTC/USDT@2026-11-29T14:00.`);
  }
}

export const isReplayId = (exchange: string): boolean => exchange.startsWith(REPLAY_PREFIX);

/** `replay:binance:BTC/USDT@2026-11-29T14:00`: minutes when the start has no seconds, else seconds or milliseconds; UTC. */
export function replayId(target: ReplayTarget): string {
  const iso = new Date(target.start).toISOString(); // 2026-11-29T14:00:00.000Z
  const time = iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  return `${REPLAY_PREFIX}${target.market.exchange}:${target.market.symbol}@${time}`;
}

/** Reads an id as replayId writes it (untrusted: it may come from a setting, a command or a restored panel). */
export function parseReplayId(id: string): ReplayTarget {
  if (!isReplayId(id)) throw new InvalidReplayIdError(id, `it does not start with "${REPLAY_PREFIX}"`);
  const rest = id.slice(REPLAY_PREFIX.length);
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (colon <= 0) throw new InvalidReplayIdError(id, 'no exchange before the symbol');
  if (at <= colon + 1) throw new InvalidReplayIdError(id, 'no symbol, or no "@" before the start time');
  let start: number;
  try {
    start = parseReplayStart(rest.slice(at + 1));
  } catch (err) {
    throw new InvalidReplayIdError(id, err instanceof Error ? err.message : String(err));
  }
  return { market: { exchange: rest.slice(0, colon), symbol: rest.slice(colon + 1, at) }, start };
}

/** A replay's start as written in its id: `YYYY-MM-DDTHH:MM[:SS[.mmm]]`, UTC. */
export function parseReplayStart(time: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?$/.test(time)) throw new TradeSuiteError(`"${time}" is not a UTC time like 2026-11-29T14:00`);
  const start = Date.parse(`${time}${time.length === 16 ? ':00' : ''}Z`);
  if (!Number.isFinite(start)) throw new TradeSuiteError(`"${time}" is not a real time`);
  return start;
}
