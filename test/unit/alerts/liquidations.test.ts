/** The liquidations rule's evaluator through the runner the live engine uses, and ccxt's liquidation cache read once per entry. */
import * as assert from 'node:assert/strict';
import { backtest } from '../../../src/core/alerts/backtest';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { soloRule } from '../../../src/core/alerts/eval/soloRule';
import { ruleFingerprint } from '../../../src/core/alerts/ruleIdentity';
import { freshState } from '../../../src/core/alerts/ruleState';
import { NewLiquidations } from '../../../src/core/exchange/newLiquidations';
import type { Liquidation } from '../../../src/core/types';
import { SEC, mkRule } from './helpers';

const RULE = mkRule({ type: 'liquidations', symbol: 'BTC/USDT:USDT', windowMs: 10 * SEC, clauses: [{ op: 'above', level: 250 }] });

function run() {
  let now = 0;
  let state = freshState(ruleFingerprint(RULE), 0);
  const fires: AlertEvent[] = [];
  const { group } = soloRule(RULE, { clock: { now: () => now }, getState: () => state, setState: (s) => (state = s), onFire: (e) => fires.push(e), onPause: () => undefined });
  const feed = (rows: ReadonlyArray<[number, number, number]>) => {
    const ls: Liquidation[] = rows.map(([timestamp, price, amount], i) => ({ timestamp, price, amount, side: i % 2 ? 'buy' : 'sell' }));
    now = ls.at(-1)?.timestamp ?? now;
    group.liquidations(ls);
  };
  return { feed, fires, group };
}

describe('liquidations rule', () => {
  it('sums notional (amount × price, both sides) over the rolling window and fires where it is above the level', () => {
    const r = run();
    assert.equal(r.group.ready, true, 'ready before the first liquidation');
    r.feed([
      [1 * SEC, 100, 1],
      [2 * SEC, 50, 2], // 200
      [5 * SEC, 100, 0.6], // 260: above
      [11 * SEC, 10, 1], // (1 s, 11 s]: 1 s left, 170
      [12 * SEC, 100, 1], // 1 s and 2 s left: 170
      [14.5 * SEC, 100, 1], // 270: above
    ]);
    assert.deepEqual(
      r.fires.map((f) => [f.firedAt, f.value]),
      [
        [5 * SEC, 260],
        [14.5 * SEC, 270],
      ],
    );
    assert.equal(r.fires[0]?.message, 'BTC/USDT:USDT liquidations over 10s 260 is above 250');
  });

  it('a gap in the stream starts the window over', () => {
    const r = run();
    r.feed([[1 * SEC, 100, 2]]);
    r.group.gap();
    r.feed([[2 * SEC, 100, 1]]);
    assert.deepEqual(r.fires, [], 'the 200 before the gap is not added to the 100 after it');
  });

  it('has no history to backtest on, and says so', () => {
    const result = backtest(RULE, {});
    assert.deepEqual([result.fires, result.notes], [[], ['liquidations rules cannot be backtested: there is no liquidation history']]);
  });
});

describe("NewLiquidations (ccxt's liquidation cache)", () => {
  const entry = (symbol: string, n: number) => ({ symbol, n });

  it('takes each entry of its symbol once, oldest first, past other symbols, as the bounded cache shifts', () => {
    const taken = new NewLiquidations();
    const cache: object[] = [entry('A', 1), entry('B', 1), entry('A', 2)];
    assert.deepEqual(taken.take(cache, 'A'), [cache[0], cache[2]]);
    assert.deepEqual(taken.take(cache, 'A'), [], 'nothing new');
    cache.push(entry('B', 2), entry('A', 3), entry('A', 4));
    cache.splice(0, 3); // bounded: the oldest went, the last taken among them
    assert.deepEqual(taken.take(cache, 'A').map((e) => (e as { n: number }).n), [3, 4]);
    assert.deepEqual(taken.take(cache, 'B').map((e) => (e as { n: number }).n), [2]);
    assert.deepEqual(taken.take(undefined, 'A'), [], 'no cache yet');
  });
});
