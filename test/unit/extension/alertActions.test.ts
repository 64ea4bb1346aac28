// An alert's notification outlives edits to alerts.yaml: its buttons must still do something sensible, and say so,
// when the rule that fired has been removed or renamed since.
import * as assert from 'node:assert/strict';
import type { AlertEvent, AlertRule } from '../../../src/core/alerts';
import { alertActionOf, runAlertAction, type AlertActionTargets, type ChartTarget } from '../../../src/extension/alerts/alertActions';

const event = (over: Partial<AlertEvent> = {}): AlertEvent => ({ ruleId: 'btc-high', ruleName: 'BTC high', ruleType: 'price_level', exchange: 'binance', symbol: 'BTC/USDT', message: 'crossed above 61,000', value: 61_020, firedAt: 0, ...over });
const rule = { id: 'btc-high', name: 'BTC high', type: 'price_level', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' } as unknown as AlertRule;

function targets() {
  const done: string[] = [];
  const charts: ChartTarget[] = [];
  const to: AlertActionTargets = {
    openChart: (t) => charts.push(t),
    snooze: (id) => done.push(`snooze ${id}`),
    disable: (id) => done.push(`disable ${id}`),
    ruleGone: (m) => done.push(`gone: ${m}`),
  };
  return { to, done, charts };
}

describe('An alert notification’s buttons', () => {
  it('act on the rule while it is in alerts.yaml', () => {
    const t = targets();
    runAlertAction('Snooze 1h', event(), rule, '1m', t.to);
    runAlertAction('Disable Rule', event(), rule, '1m', t.to);
    runAlertAction('Open Chart', event(), rule, '1m', t.to);
    assert.deepEqual(t.done, ['snooze btc-high', 'disable btc-high']);
    assert.deepEqual(t.charts.map((c) => `${c.exchange} ${c.symbol} ${c.timeframe}`), ['binance BTC/USDT 5m']);
  });

  it('once the rule is gone, Snooze and Disable say so (naming the rule) instead of failing unseen', () => {
    const t = targets();
    runAlertAction('Snooze 1h', event(), undefined, '1m', t.to);
    runAlertAction('Disable Rule', event(), undefined, '1m', t.to);
    assert.equal(t.done.length, 2);
    for (const [i, what] of ['nothing to snooze', 'nothing to disable'].entries()) {
      assert.match(t.done[i]!, /^gone: .*"BTC high" \(id btc-high\) is no longer in alerts\.yaml/);
      assert.ok(t.done[i]!.endsWith(`${what}.`), t.done[i]);
    }
  });

  it('once the rule is gone, Open Chart still opens the market the alert named, on its bar timeframe or the default', () => {
    const t = targets();
    runAlertAction('Open Chart', event({ timeframe: '15m' }), undefined, '1h', t.to);
    runAlertAction('Open Chart', event({ exchange: 'bybit', symbol: 'ETH/USDT:USDT' }), undefined, '1h', t.to);
    runAlertAction('Open Chart', event({ timeframe: 'fortnight' }), undefined, '4h', t.to);
    assert.deepEqual(t.charts.map((c) => `${c.exchange} ${c.symbol} ${c.timeframe}`), ['binance BTC/USDT 15m', 'bybit ETH/USDT:USDT 1h', 'binance BTC/USDT 4h']);
    assert.deepEqual(t.done, []);
  });

  it('a dismissed notification, or an answer that is no button, does nothing', () => {
    const t = targets();
    runAlertAction(alertActionOf(undefined), event(), rule, '1m', t.to);
    runAlertAction(alertActionOf('Snooze 2h'), event(), rule, '1m', t.to);
    assert.deepEqual([t.done, t.charts], [[], []]);
    assert.equal(alertActionOf('Disable Rule'), 'Disable Rule');
  });
});
