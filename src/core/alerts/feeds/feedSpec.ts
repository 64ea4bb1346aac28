/** Which hub subscription a rule needs: candles per (exchange, symbol, timeframe), trades / ticker per market. */
import { candleId, streamId } from '../../keys';
import type { Timeframe } from '../../timeframes';
import { assertNever } from '../../util/assertNever';
import type { AlertRule } from '../rules';

export type FeedSpec =
  | { readonly kind: 'candles'; readonly exchange: string; readonly symbol: string; readonly timeframe: Timeframe }
  | { readonly kind: 'trades'; readonly exchange: string; readonly symbol: string }
  | { readonly kind: 'ticker'; readonly exchange: string; readonly symbol: string }
  | { readonly kind: 'liquidations'; readonly exchange: string; readonly symbol: string };

export function feedSpecOf(rule: AlertRule): FeedSpec {
  const market = { exchange: rule.exchange, symbol: rule.symbol };
  switch (rule.type) {
    case 'price_level':
      return rule.source === 'last' ? { kind: 'trades', ...market } : { kind: 'ticker', ...market };
    case 'cvd_change':
    case 'cvd_level':
    case 'cvd_ratio':
      return { kind: 'trades', ...market };
    case 'spread':
      return { kind: 'ticker', ...market };
    case 'liquidations':
      return { kind: 'liquidations', ...market };
    case 'percentage_change':
    case 'volatility':
    case 'indicator':
      return { kind: 'candles', ...market, timeframe: rule.timeframe };
    default:
      return assertNever(rule);
  }
}

export function feedId(spec: FeedSpec): string {
  return spec.kind === 'candles' ? `candles\u0000${candleId(spec)}` : streamId(spec);
}

export function describeFeed(spec: FeedSpec): string {
  return spec.kind === 'candles' ? `${spec.timeframe} candles ${spec.exchange} ${spec.symbol}` : `${spec.kind} ${spec.exchange} ${spec.symbol}`;
}
