/** `tradesuite-alerts --record DIR`: records the markets of the rules into the embedded store while the bot runs. */
import type { AlertRule } from '../core/alerts';
import type { MarketHub } from '../core/hub/marketHub';
import { ParquetStore } from '../core/record/parquetStore';
import { RecordingSet } from '../core/record/recordingSet';
import { compactStore } from '../core/record/storeCompaction';
import { enforceRetention } from '../core/record/storeRetention';
import { errorMessage, type Logger } from '../core/util/log';

const RETENTION_CHECK_MS = 3_600_000;

export interface BotRecording {
  setRules(rules: readonly AlertRule[]): void;
  close(): Promise<void>;
}

export function startRecording(opts: { hub: MarketHub; dir: string; retentionDays: number | undefined; maxBytes: number | undefined; log: Logger }): BotRecording {
  const { hub, dir, log } = opts;
  const set = new RecordingSet({
    hub,
    sink: new ParquetStore(dir, log),
    fillGap: (market, from, until) => hub.tradesBetween(market, from, until),
    log,
    onState: (market, state) => {
      if (state.status !== 'recording') log.info(`${market.exchange} ${market.symbol}: ${JSON.stringify(state)}`);
    },
  });
  // Hourly, one after the other: the retention, then the compaction of the days closed since.
  let upkeep: Promise<void> = Promise.resolve();
  const stop = new AbortController();
  const tidy = () => {
    upkeep = upkeep.then(async () => {
      if (opts.retentionDays || opts.maxBytes) {
        await enforceRetention(dir, { now: Date.now(), ...(opts.retentionDays ? { retentionDays: opts.retentionDays } : {}), ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) }, log).catch((err: unknown) =>
          log.warn(`cannot apply the retention to ${dir}: ${errorMessage(err)}`),
        );
      }
      if (!stop.signal.aborted) await compactStore(dir, Date.now(), log, stop.signal).catch((err: unknown) => log.warn(`cannot compact ${dir}: ${errorMessage(err)}`));
    });
  };
  const timer = setInterval(tidy, RETENTION_CHECK_MS);
  tidy();
  return {
    setRules: (rules) => set.setMarkets(rules.map((r) => ({ exchange: r.exchange, symbol: r.symbol }))), // one recorder per market
    close: async () => {
      clearInterval(timer);
      stop.abort();
      await set.close();
      await upkeep;
    },
  };
}
