import type { AlertRule } from '../rules';
import type { Match } from './comparator';
import type { Wording } from './evaluator';
import type { Reading } from './reading';

/** "BTC/USDT last 61,020.5 crossed above 61,000", "BTC/USDT 1h RSI(14) 28.41 is below 30 at the 1h close". */
export function alertMessage(rule: AlertRule, wording: Wording, match: Match, reading: Reading): string {
  const op = match.comparison.op;
  const isCross = op === 'crosses' || op === 'crosses_above' || op === 'crosses_below';
  const verb = isCross && match.crossed ? `crossed ${match.crossed}` : op === 'below' ? 'is below' : 'is above';
  const against = match.comparison.level !== undefined ? wording.format(match.comparison.level) : `${wording.refLabel ?? 'reference'} ${wording.format(match.against)}`;
  const when = reading.closed ? ` at the ${rule.timeframe} close` : '';
  return `${wording.subject} ${wording.format(reading.value)} ${verb} ${against}${when}`;
}
