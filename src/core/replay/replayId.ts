/** The name of a replayed market's exchange: `replay:<exchange>:<symbol>@<UTC start>`, built here; read in src/shared/util/replayId.ts, its errors here. */
import { TradeSuiteError } from '../errors';
import type { RecordedMarket } from '../record/recordTypes';
import { isReplayId, readReplayId, readReplayStart, REPLAY_PREFIX } from '../../shared/util/replayId';

export { isReplayId, REPLAY_PREFIX };

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

/** `replay:binance:BTC/USDT@2026-11-29T14:00`: minutes when the start has no seconds, else seconds or milliseconds; UTC. */
export function replayId(target: ReplayTarget): string {
  const iso = new Date(target.start).toISOString(); // 2026-11-29T14:00:00.000Z
  const time = iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  return `${REPLAY_PREFIX}${target.market.exchange}:${target.market.symbol}@${time}`;
}

/** Reads an id as replayId writes it (untrusted: it may come from a setting, a command or a restored panel). */
export function parseReplayId(id: string): ReplayTarget {
  const read = readReplayId(id);
  if ('problem' in read) throw new InvalidReplayIdError(id, read.problem);
  return { market: { exchange: read.exchange, symbol: read.symbol }, start: read.start };
}

/** A replay's start as written in its id: `YYYY-MM-DDTHH:MM[:SS[.mmm]]`, UTC. */
export function parseReplayStart(time: string): number {
  const start = readReplayStart(time);
  if (typeof start !== 'number') throw new TradeSuiteError(start.problem);
  return start;
}
