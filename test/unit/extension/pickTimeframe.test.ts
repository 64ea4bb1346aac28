// Change Timeframe…: the chart's timeframe is the highlighted row, marked as current; the others keep their order.
import * as assert from 'node:assert/strict';
import { shownQuickPicks, type FakeQuickPick } from '../../helpers/fakeVscode';
import { TIMEFRAMES } from '../../../src/core/timeframes';
import { pickTimeframe, type TimeframeItem } from '../../../src/extension/panels/pickTimeframe';

const lastPicker = () => shownQuickPicks().at(-1) as FakeQuickPick<TimeframeItem>;

describe('Change Timeframe… picker', () => {
  it("highlights the chart's current timeframe and marks it as current", async () => {
    for (const current of ['1h', '1M', '1s'] as const) {
      const answer = pickTimeframe('BTC/USDT', current);
      const qp = lastPicker();
      assert.equal(qp.highlighted()?.timeframe, current, `${current}: the current timeframe is highlighted (Enter keeps it)`);
      assert.deepEqual(
        qp.items.filter((i) => i.description !== undefined).map((i) => [i.timeframe, i.description]),
        [[current, 'current']],
        `${current}: only the current one is marked`,
      );
      qp.hide();
      assert.equal(await answer, undefined);
    }
  });

  it('lists every timeframe from the finest, kept in that order as one types, and answers the one picked', async () => {
    const answer = pickTimeframe('BTC/USDT', '5m');
    const qp = lastPicker();
    assert.deepEqual(
      qp.items.map((i) => i.label),
      TIMEFRAMES.map((t) => t),
    );
    qp.type('1');
    assert.deepEqual(
      qp.listed().map((i) => i.timeframe),
      ['1s', '1m', '15m', '1h', '12h', '1d', '1w', '1M'],
      'not re-sorted by label',
    );
    qp.pick(qp.items.find((i) => i.timeframe === '4h')!);
    assert.equal(await answer, '4h');
  });

  it("offers only the timeframes the chart's exchange serves (Coinbase has no 1s), and every one while they are not known", async () => {
    const coinbase = ['1m', '5m', '15m', '30m', '1h', '2h', '6h', '1d'];
    let answer = pickTimeframe('BTC/USD', '1h', coinbase);
    assert.deepEqual(lastPicker().items.map((i) => i.timeframe), coinbase);
    lastPicker().hide();
    assert.equal(await answer, undefined);
    answer = pickTimeframe('BTC/USD', '4h', coinbase); // a chart restored on a timeframe no longer served keeps its row
    assert.deepEqual(lastPicker().items.map((i) => i.timeframe), ['1m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '1d']);
    lastPicker().hide();
    await answer;
    answer = pickTimeframe('BTC/USD', '1h', []);
    assert.equal(lastPicker().items.length, TIMEFRAMES.length);
    lastPicker().hide();
    await answer;
  });
});
