/** `tradesuite-alerts --record DIR` (or `--record-store clickhouse`): records the markets of the rules while the bot runs. */
import type { MarketHub } from '../core/hub/marketHub';
import type { ClickHouseConnection } from '../core/record/clickHouseHttp';
import type { MarketKey } from '../core/keys';
import { RecordingService } from '../core/record/recordingService';
import type { Logger } from '../core/util/log';

const UPKEEP_MS = 3_600_000;

export interface BotRecording {
  /** The markets the rules read (an aggregate's legs for a rule on it): one recorder each. */
  setMarkets(markets: readonly MarketKey[]): void;
  close(): Promise<void>;
}

export function startRecording(opts: { hub: MarketHub; dir: string; retentionDays: number | undefined; maxBytes: number | undefined; clickHouse?: ClickHouseConnection; log: Logger }): BotRecording {
  const { log } = opts;
  const service = new RecordingService({
    hub: opts.hub,
    root: opts.dir,
    ...(opts.clickHouse ? { clickHouse: opts.clickHouse } : {}),
    policy: () => ({ ...(opts.retentionDays ? { retentionDays: opts.retentionDays } : {}), ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}) }),
    log,
    onState: (market, state) => {
      if (state.status !== 'recording') log.info(`${market.exchange} ${market.symbol}: ${JSON.stringify(state)}`);
    },
    upkeepEveryMs: UPKEEP_MS, // hourly: the retention, then the compaction of the days closed since
  });
  return {
    setMarkets: (markets) => service.setMarkets(markets),
    close: () => service.close(),
  };
}
