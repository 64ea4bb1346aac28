// The Alerts view redraws only the rows whose rule changed, together, at most every ALERT_REDRAW_MS: hundreds of
// rules firing and cooling down must neither re-send every row per change nor come closer together than VS Code's
// 200 ms tree debounce (which restarts on every change and would hold the redraw back while they go on).
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RuleStatus, RuleStatusEntry } from '../../../src/core/alerts';
import type { AlertsChange } from '../../../src/extension/alerts/alertsController';
import { ALERT_REDRAW_MS, AlertsTreeProvider, type AlertRow, type AlertsSource } from '../../../src/extension/alerts/alertsTreeProvider';
import { localTime } from '../../../src/extension/localTime';
import { ManualTime } from '../../helpers/manualTime';

const entry = (ruleId: string, status: RuleStatus = { kind: 'armed' }): RuleStatusEntry => ({ ruleId, ruleName: `rule ${ruleId}`, ruleType: 'price_level', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', status, fireCount: 0 });

class FakeAlerts implements AlertsSource {
  readonly entries = new Map<string, RuleStatusEntry>();
  statusesCalls = 0;
  private readonly emitter = new vscode.EventEmitter<AlertsChange>();
  readonly onDidChange = this.emitter.event;
  private markRead: () => void = () => undefined;
  private readonly firstRead = new Promise<void>((resolve) => (this.markRead = resolve));
  constructor(
    n: number,
    public read = true,
  ) {
    for (let i = 0; i < n; i++) this.entries.set(`r${i}`, entry(`r${i}`));
    if (read) this.markRead();
  }
  whenRead(): Promise<void> {
    return this.firstRead;
  }
  /** As AlertsController.start() ends: read, then the rules announced. */
  finishRead(rules: number): void {
    for (let i = 0; i < rules; i++) this.entries.set(`r${i}`, entry(`r${i}`));
    this.read = true;
    this.markRead();
    this.rulesChanged();
  }
  statuses(): RuleStatusEntry[] {
    this.statusesCalls++;
    return [...this.entries.values()];
  }
  status(ruleId: string): RuleStatusEntry | undefined {
    return this.entries.get(ruleId);
  }
  setStatus(ruleId: string, status: RuleStatus): void {
    this.entries.set(ruleId, entry(ruleId, status));
    this.emitter.fire({ kind: 'rule', ruleId });
  }
  rulesChanged(): void {
    this.emitter.fire({ kind: 'rules' });
  }
}

function rig(rules: number) {
  const alerts = new FakeAlerts(rules);
  const time = new ManualTime();
  const tree = new AlertsTreeProvider(alerts, { now: () => time.now, schedule: time.schedule });
  const redraws: Array<{ at: number; rows: readonly AlertRow[] | undefined }> = [];
  tree.onDidChangeTreeData((rows) => redraws.push({ at: time.now, rows: rows === undefined ? undefined : [...(Array.isArray(rows) ? rows : [rows])] }));
  const shown = listNow(tree);
  return { alerts, time, tree, redraws, shown };
}

/** The view's answer once alerts.yaml was read: given at once. */
function listNow(tree: AlertsTreeProvider): AlertRow[] {
  const rows = tree.getChildren();
  assert.ok(Array.isArray(rows), 'the file was read: the rows at once');
  return rows;
}

describe('The Alerts view', () => {
  it('a burst of 1,000 status changes is one redraw of exactly the rows that changed, with no new list', () => {
    const { alerts, time, tree, redraws, shown } = rig(1000);
    const calls = alerts.statusesCalls;
    for (let i = 0; i < 1000; i += 2) alerts.setStatus(`r${i}`, { kind: 'cooling', until: 60_000 });
    assert.equal(redraws.length, 0, 'nothing redrawn within the burst');
    time.advance(0);
    assert.equal(redraws.length, 1);
    const rows = redraws[0]!.rows;
    assert.ok(rows, 'rows, not the whole list');
    assert.equal(rows.length, 500);
    assert.deepEqual(new Set(rows.map((r) => r.ruleId)), new Set(Array.from({ length: 500 }, (_, i) => `r${i * 2}`)));
    for (const row of rows) assert.ok(shown.includes(row), `${row.ruleId}: the very object the view was given`);
    assert.equal(alerts.statusesCalls, calls, 'no list of every rule was read');
    assert.match(String(tree.getTreeItem(rows[0]!).description), /^cooling until \d\d:\d\d:\d\d · /, 'a local clock time, not ISO UTC');
    assert.match(String(tree.getTreeItem(shown[1]!).description), /^armed/);
  });

  it('the first change is drawn at once, later ones together, never two redraws less than ALERT_REDRAW_MS apart', () => {
    const { alerts, time, redraws } = rig(200);
    // A change every 20 ms for 3 s, as a steady stream of fires and cooldowns would bring.
    for (let t = 0; t < 3000; t += 20) {
      alerts.setStatus(`r${(t / 20) % 200}`, { kind: 'cooling', until: t + 60_000 });
      time.advance(20);
    }
    time.advance(ALERT_REDRAW_MS);
    assert.equal(redraws[0]!.at, 0, 'the first change at once');
    for (let i = 1; i < redraws.length; i++) assert.ok(redraws[i]!.at - redraws[i - 1]!.at >= ALERT_REDRAW_MS, `redraws ${i - 1} and ${i} at ${redraws[i - 1]!.at} and ${redraws[i]!.at}`);
    assert.ok(redraws.length >= 3000 / ALERT_REDRAW_MS - 1, `${redraws.length} redraws in 3 s: the stream does not hold them back`);
    const drawn = new Set(redraws.flatMap((r) => r.rows ?? []).map((r) => r.ruleId));
    assert.equal(drawn.size, 150, 'every changed rule drawn');
    assert.equal(time.pending, 0, 'no timer left once quiet');
  });

  it('a new set of rules redraws the list once; rules kept keep their row objects, removed ones are not drawn', () => {
    const { alerts, time, redraws, tree, shown } = rig(3);
    alerts.entries.delete('r1');
    alerts.entries.set('r9', entry('r9'));
    alerts.setStatus('r0', { kind: 'disabled' });
    alerts.rulesChanged();
    time.advance(0);
    assert.deepEqual(redraws, [{ at: 0, rows: undefined }]);
    const now = listNow(tree);
    assert.deepEqual(now.map((r) => r.ruleId), ['r0', 'r2', 'r9']);
    assert.equal(now[0], shown[0]);
    assert.equal(now[1], shown[2]);
    alerts.setStatus('r1', { kind: 'armed' }); // a late change of a rule no longer listed
    alerts.entries.delete('r1');
    time.advance(ALERT_REDRAW_MS);
    assert.equal(redraws.length, 1, 'a rule that is not listed is not redrawn');
  });

  it('a rule that is gone by the time its row is drawn shows its id, not an error', () => {
    const { alerts, tree, shown } = rig(2);
    alerts.entries.delete('r0');
    assert.equal(tree.getTreeItem(shown[0]!).label, 'r0');
  });

  it('disposed: a pending redraw is cancelled and later changes draw nothing', () => {
    const { alerts, time, tree, redraws } = rig(3);
    alerts.setStatus('r0', { kind: 'disabled' });
    time.advance(0);
    alerts.setStatus('r1', { kind: 'disabled' });
    assert.equal(time.pending, 1);
    tree.dispose();
    assert.equal(time.pending, 0);
    alerts.setStatus('r2', { kind: 'disabled' });
    time.advance(10 * ALERT_REDRAW_MS);
    assert.equal(redraws.length, 1);
    assert.equal(time.pending, 0);
  });

  it("shows a status's times in the user's time zone: the clock today, with the date on another day; the tooltip adds UTC", () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      const noon = Date.UTC(2026, 11, 2, 3, 0); // 12:00 in Tokyo
      assert.equal(localTime(noon + 51 * 60_000 + 5_000, noon), '12:51:05');
      assert.equal(localTime(Date.UTC(2026, 11, 2, 16, 0), noon), '2026-12-03 01:00:00', "past midnight in Tokyo: tomorrow's date");
      const { alerts, time, tree, shown } = rig(2);
      alerts.setStatus('r0', { kind: 'snoozed', until: 3_600_000 });
      time.advance(0);
      const item = tree.getTreeItem(shown[0]!);
      assert.match(String(item.description), /^snoozed until 10:00:00 · /, '01:00 UTC is 10:00 in Tokyo, the same day as the clock (epoch 0)');
      assert.match((item.tooltip as { value: string }).value, /Status: snoozed until 10:00:00 \(snoozed until 1970-01-01T01:00:00Z\)/);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('asked before alerts.yaml is read, answers with its rules once read, and asks for nothing more', async () => {
    const alerts = new FakeAlerts(0, false);
    const time = new ManualTime();
    const tree = new AlertsTreeProvider(alerts, { now: () => time.now, schedule: time.schedule });
    const redraws: unknown[] = [];
    tree.onDidChangeTreeData((rows) => redraws.push(rows));
    const answer = tree.getChildren();
    alerts.finishRead(3);
    assert.deepEqual((await answer).map((r) => r.ruleId), ['r0', 'r1', 'r2'], 'the rules, not an empty list to be redrawn later');
    time.advance(10 * ALERT_REDRAW_MS);
    assert.deepEqual(redraws, [], 'no redraw asks again for the list just given');
    assert.equal(time.pending, 0);
    tree.dispose();
  });

  it('tells once, with the first empty list after alerts.yaml was read, and never while it lists rules: the welcome waits for it', async () => {
    const alerts = new FakeAlerts(0, false);
    const time = new ManualTime();
    let told = 0;
    const tree = new AlertsTreeProvider(alerts, { now: () => time.now, schedule: time.schedule, onEmptyAfterRead: () => told++ });
    const answer = tree.getChildren();
    assert.equal(told, 0, 'not before the file was read');
    alerts.finishRead(2);
    assert.equal((await answer).length, 2);
    time.advance(1000);
    assert.equal(told, 0, 'rules listed: the welcome must not flash over them');
    alerts.entries.clear();
    alerts.rulesChanged();
    time.advance(ALERT_REDRAW_MS);
    assert.deepEqual(listNow(tree), []);
    assert.equal(told, 1, 'the rules are gone: the welcome may show');
    listNow(tree);
    assert.equal(told, 1, 'once');
    tree.dispose();
  });

  it('a file read with no rules tells with the answer that waited for it', async () => {
    const alerts = new FakeAlerts(0, false);
    let told = 0;
    const tree = new AlertsTreeProvider(alerts, { onEmptyAfterRead: () => told++ });
    const answer = tree.getChildren();
    alerts.finishRead(0);
    assert.deepEqual(await answer, []);
    assert.equal(told, 1);
    tree.dispose();
  });
});
