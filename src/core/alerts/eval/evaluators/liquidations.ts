/**
 * liquidations: liquidated notional (quote currency) over the rolling window, read at each liquidation, O(1)
 * amortised. Ready at once: the rule compares with `above` only, and a sum over part of the window (after a start
 * or a gap) is at most the whole window's, so a reading above the level is never a false fire.
 */
import type { Liquidation } from '../../../types';
import { formatDuration } from '../../duration';
import { formatNumber } from '../../format';
import type { LiquidationsRule } from '../../rules';
import type { LiquidationEvaluator } from '../evaluator';
import type { ReadingSink } from '../reading';
import { RollingFlow } from '../rollingFlow';
import { tickBarsFor, type TickBars } from '../tickBars';

export class LiquidationsEvaluator implements LiquidationEvaluator {
  readonly input = 'liquidations';
  readonly ready = true;
  readonly subject: string;
  private readonly bars: TickBars;
  private readonly notional: RollingFlow;

  constructor(rule: LiquidationsRule) {
    this.subject = `${rule.symbol} liquidations over ${formatDuration(rule.windowMs)}`;
    this.bars = tickBarsFor(rule);
    this.notional = new RollingFlow(rule.windowMs);
  }

  warmupDetail(): string {
    return '';
  }

  format(value: number): string {
    return formatNumber(value);
  }

  liquidation(l: Liquidation, emit: ReadingSink): void {
    this.notional.push({ id: '', timestamp: l.timestamp, price: l.price, amount: l.amount * l.price, side: l.side });
    this.bars.push(l.timestamp, this.notional.buyVolume + this.notional.sellVolume, undefined, emit);
  }

  reset(): void {
    this.notional.clear();
    this.bars.reset();
  }
}
