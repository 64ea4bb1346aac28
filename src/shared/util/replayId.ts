/**
 * The name of a replayed market's exchange, `replay:<exchange>:<symbol>@<UTC start>`: read here (pure, so the host
 * and the webviews read it alike), written and checked with its errors in src/core/replay/replayId.ts.
 */
import { MAX_MARKET_NAME_CHARS } from './marketName';
import { utcMinutes } from './utcTime';

export const REPLAY_PREFIX = 'replay:';

export const isReplayId = (exchange: string): boolean => exchange.startsWith(REPLAY_PREFIX);

/** What a replay id names: the recorded market and its start (epoch ms). */
export interface ReplayIdParts {
  readonly exchange: string;
  readonly symbol: string;
  readonly start: number;
}

/** Why a text is not what was asked for (it completes "… is not a replay: "). */
export interface NotRead {
  readonly problem: string;
}

/** Reads an id as replayId writes it (untrusted: it may come from a setting, a command or a restored panel). */
export function readReplayId(id: string): ReplayIdParts | NotRead {
  if (!isReplayId(id)) return { problem: `it does not start with "${REPLAY_PREFIX}"` };
  // The id is the replayed market's exchange, which a panel's page takes only this long.
  if (id.length > MAX_MARKET_NAME_CHARS) return { problem: `it is ${id.length} characters, longer than a panel takes (${MAX_MARKET_NAME_CHARS}): its symbol is too long to replay` };
  const rest = id.slice(REPLAY_PREFIX.length);
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (colon <= 0) return { problem: 'no exchange before the symbol' };
  if (at <= colon + 1) return { problem: 'no symbol, or no "@" before the start time' };
  const start = readReplayStart(rest.slice(at + 1));
  if (typeof start !== 'number') return start;
  return { exchange: rest.slice(0, colon), symbol: rest.slice(colon + 1, at), start };
}

/** A replay's start as written in its id: `YYYY-MM-DDTHH:MM[:SS[.mmm]]`, UTC. */
export function readReplayStart(time: string): number | NotRead {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?$/.test(time)) return { problem: `"${time}" is not a UTC time like 2026-11-29T14:00` };
  const start = Date.parse(`${time}${time.length === 16 ? ':00' : ''}Z`);
  if (!Number.isFinite(start)) return { problem: `"${time}" is not a real time` };
  return start;
}

/**
 * Where a market is, as the tab title, the toolbar and the status bar say it: the exchange, or for a replay
 * "REPLAY binance from 2026-11-29 14:00 UTC" (the id itself when it does not parse: the panel's error says why).
 */
export function marketPlace(exchange: string): string {
  if (!isReplayId(exchange)) return exchange;
  const read = readReplayId(exchange);
  if ('problem' in read) return exchange;
  return `REPLAY ${read.exchange} from ${utcMinutes(read.start)} UTC`;
}
