import { utcSeconds } from '../../../shared/util/utcTime';
import type { AlertRule } from '../rules';
import type { Match } from './comparator';
import type { Wording } from './evaluator';
import type { Reading } from './reading';

/**
 * "BTC/USDT last 61,020.5 crossed above 61,000", "BTC/USDT 1h RSI(14) 28.41 is below 30 at the 1h close"; a late
 * trade's says so and when it was made: "… is above 61,000 (a late trade, made at 2026-12-06 05:20:03.123 UTC)".
 */
export function alertMessage(rule: AlertRule, wording: Wording, match: Match, reading: Reading): string {
  const op = match.comparison.op;
  const isCross = op === 'crosses' || op === 'crosses_above' || op === 'crosses_below';
  const verb = isCross && match.crossed ? `crossed ${match.crossed}` : op === 'below' ? 'is below' : 'is above';
  const against = match.comparison.level !== undefined ? wording.format(match.comparison.level) : `${wording.refLabel ?? 'reference'} ${wording.format(match.against)}`;
  const when = reading.closed ? ` at the ${rule.timeframe} close` : reading.lateAt !== undefined ? ` (a late trade, made at ${utcMillis(reading.lateAt)} UTC)` : '';
  return `${wording.subject} ${wording.format(reading.value)} ${verb} ${against}${when}`;
}

/** "2026-12-06 05:20:03.123": a late trade may be seconds late, so its time is given to the millisecond. */
function utcMillis(ms: number): string {
  return `${utcSeconds(ms)}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
}
