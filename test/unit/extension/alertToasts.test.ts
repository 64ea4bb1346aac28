// Alerts as notifications, a few at a time: a storm of fires (150 rules fired 83 times a second in a probe) must not
// become a storm of notifications, and no alert may go unmentioned.
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../../src/core/alerts';
import { AlertToasts, heldAlertsText } from '../../../src/extension/alerts/alertToasts';
import { ManualTime } from '../../helpers/manualTime';

const alert = (ruleId: string, firedAt = 0): AlertEvent => ({ ruleId, ruleName: `rule ${ruleId}`, ruleType: 'price_level', exchange: 'binance', symbol: 'BTC/USDT', message: 'crossed', value: 1, firedAt });

function rig() {
  const time = new ManualTime();
  const shown: Array<{ at: number; one?: string; many?: string[] }> = [];
  const toasts = new AlertToasts({ showOne: (e) => shown.push({ at: time.now, one: e.ruleId }), showMany: (es) => shown.push({ at: time.now, many: es.map((e) => e.ruleId) }), now: () => time.now, schedule: time.schedule });
  return { toasts, shown, advance: (ms: number) => time.advance(ms), pending: () => time.pending };
}

describe('Alert notifications', () => {
  it('shows the first three one by one and the rest of a burst as one notification five seconds later, in order', () => {
    const { toasts, shown, advance } = rig();
    for (let i = 0; i < 50; i++) toasts.push(alert(`r${i}`));
    assert.deepEqual(shown, [{ at: 0, one: 'r0' }, { at: 0, one: 'r1' }, { at: 0, one: 'r2' }]);
    advance(5_000);
    assert.equal(shown.length, 4);
    assert.deepEqual(shown[3], { at: 5_000, many: Array.from({ length: 47 }, (_, i) => `r${i + 3}`) });
  });

  it('a steady stream of 83 alerts a second: at most 3 single notifications in any 10 s and one summary per 5 s; every alert in one of them', () => {
    const { toasts, shown, advance, pending } = rig();
    let pushed = 0;
    for (let t = 0; t < 60_000; t += 12) {
      toasts.push(alert(`r${pushed % 150}`));
      pushed++;
      advance(12);
    }
    advance(5_000);
    const singles = shown.filter((s) => s.one !== undefined);
    for (const s of singles) assert.ok(singles.filter((o) => o.at > s.at - 10_000 && o.at <= s.at).length <= 3, `singles in the 10 s up to ${s.at}`);
    const summaries = shown.filter((s) => s.many !== undefined);
    for (let i = 1; i < summaries.length; i++) assert.ok(summaries[i]!.at - summaries[i - 1]!.at >= 5_000);
    assert.ok(shown.length <= 3 * Math.ceil(65_000 / 10_000) + 65_000 / 5_000, `${shown.length} notifications for ${pushed} alerts`);
    assert.ok(summaries.length >= 11, `${summaries.length} summaries: the held alerts are shown as they come, not at the end`);
    assert.equal(singles.length + summaries.reduce((n, s) => n + s.many!.length, 0), pushed, 'every alert shown once');
    assert.equal(pending(), 0);
  });

  it('a quiet rule that fires now and then gets its own notification each time', () => {
    const { toasts, shown, advance } = rig();
    for (let i = 0; i < 5; i++) {
      toasts.push(alert('slow'));
      advance(4_000);
    }
    assert.deepEqual(shown.map((s) => s.one), ['slow', 'slow', 'slow', 'slow', 'slow']);
  });

  it('a single held alert is shown as itself, with its actions', () => {
    const { toasts, shown, advance } = rig();
    for (let i = 0; i < 4; i++) toasts.push(alert(`r${i}`));
    advance(5_000);
    assert.deepEqual(shown.map((s) => s.one ?? s.many), ['r0', 'r1', 'r2', 'r3']);
  });

  it('disposed: held alerts are dropped with their timer, later ones ignored', () => {
    const { toasts, shown, advance, pending } = rig();
    for (let i = 0; i < 10; i++) toasts.push(alert(`r${i}`));
    assert.equal(pending(), 1);
    toasts.dispose();
    assert.equal(pending(), 0);
    toasts.push(alert('late'));
    advance(10_000);
    assert.equal(shown.length, 3);
  });

  it('names the rules that fired most, with counts, and how many others', () => {
    const events = [...Array(12).fill('a'), ...Array(9).fill('b'), ...Array(3).fill('c'), 'd', 'e', 'e'].map((id: string) => alert(id));
    assert.equal(heldAlertsText(events), '27 more alerts: rule a ×12, rule b ×9, rule c ×3 and 3 more of 2 other rules');
    assert.equal(heldAlertsText([alert('a'), alert('b')]), '2 more alerts: rule a, rule b');
  });
});
