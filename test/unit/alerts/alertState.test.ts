import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import type { RuleState } from '../../../src/core/alerts/ruleState';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeHub } from './fakeHub';
import { mkTrades } from './helpers';

const DAY = 86_400_000;

describe('AlertStateStore', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-alert-state-'));
    file = path.join(dir, 'nested', 'alert-state.json');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const sample: RuleState = {
    fingerprint: 'fp',
    fireCount: 3,
    lastFiredAt: 1000,
    lastFiredBar: 960,
    lastValue: 61020.5,
    cooldownUntil: 301_000,
    recentFires: [900, 1000],
    paused: { reason: 'fired more than 5 times', at: 1000 },
    onceDone: true,
    snoozedUntil: 5000,
    enabledOverride: { enabled: false, configEnabled: true },
    touchedAt: Date.now(),
  };

  it('round-trips every field through the file (atomic write, no temp files left)', async () => {
    const a = await AlertStateStore.open({ path: file, saveDelayMs: 0 });
    a.set('btc-61k', sample);
    a.set('other', { fingerprint: 'x', fireCount: 0, recentFires: [], touchedAt: Date.now() });
    await a.close();
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['alert-state.json']);
    const b = await AlertStateStore.open({ path: file });
    assert.deepEqual(b.get('btc-61k'), sample);
    assert.deepEqual(b.ids().sort(), ['btc-61k', 'other']);
  });

  it('debounces writes and keeps the newest state when writes overlap', async () => {
    const a = await AlertStateStore.open({ path: file, saveDelayMs: 5 });
    for (let i = 0; i < 50; i++) a.set('r', { ...sample, fireCount: i });
    await a.flush();
    a.set('r', { ...sample, fireCount: 99 });
    await a.flush();
    const b = await AlertStateStore.open({ path: file });
    assert.equal(b.get('r')?.fireCount, 99);
  });

  it('a corrupt file is logged and ignored; malformed entries are dropped', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"version":1,"rules":{"a":');
    const log = captureLog();
    const a = await AlertStateStore.open({ path: file, log });
    assert.deepEqual(a.ids(), []);
    assert.ok(log.lines.some((l) => /warn .*alert state .* is corrupt/.test(l)), log.lines.join('\n'));

    const now = Date.now();
    await fs.writeFile(
      file,
      JSON.stringify({
        version: 1,
        rules: {
          good: { ...sample, touchedAt: now },
          bad: { fingerprint: 3 },
          stale: { ...sample, touchedAt: now - 40 * DAY },
        },
      }),
    );
    const log2 = captureLog();
    const b = await AlertStateStore.open({ path: file, log: log2 });
    assert.deepEqual(b.ids(), ['good', 'stale']);
    assert.ok(log2.lines.some((l) => /ignored 1 malformed entry/.test(l)));
    // Only entries of rules no longer configured, and untouched for long enough, are forgotten.
    b.prune(new Set(['stale']), now - 30 * DAY);
    assert.deepEqual(b.ids(), ['good', 'stale']);
    b.prune(new Set(), now - 30 * DAY);
    assert.deepEqual(b.ids(), ['good']);
  });

  it('survives a restart: a once rule stays done and a cooldown still holds', async () => {
    const cfg = parseAlertsConfig(
      [
        'defaults: { exchange: binance, autoPause: false }',
        'rules:',
        '  - { id: once, name: once, type: price_level, symbol: BTC/USDT, above: 100, frequency: once }',
        '  - { id: cool, name: cool, type: price_level, symbol: BTC/USDT, above: 100, frequency: every_time, cooldown: 1h }',
      ].join('\n'),
    );
    // Before every trade of the runs: a trade older than a rule only warms it up.
    const clock = { now: () => 5_000 };
    const run = async (trades: ReturnType<typeof mkTrades>) => {
      const state = await AlertStateStore.open({ path: file, saveDelayMs: 0 });
      const hub = new FakeHub();
      const engine = new AlertEngine({ hub, state, clock });
      const fired: string[] = [];
      engine.onAlert((e) => fired.push(`${e.ruleId}@${e.firedAt}`));
      engine.setRules(cfg.rules);
      if (hub.active().length > 0) hub.push('trades', 'BTC/USDT', { type: 'trades', trades });
      const statuses = engine.statuses().map((s) => `${s.ruleId}:${s.status.kind}`);
      engine.dispose();
      await state.close();
      return { fired, statuses };
    };
    const first = await run(mkTrades([[10_000, 101]]));
    assert.deepEqual(first.fired, ['once@10000', 'cool@10000']);
    assert.deepEqual(first.statuses, ['once:done', 'cool:cooling']);
    const second = await run(mkTrades([[20_000, 102]]));
    assert.deepEqual(second.fired, [], 'nothing fires after the restart');
    assert.deepEqual(second.statuses, ['once:done', 'cool:cooling']);
    const third = await run(mkTrades([[10_000 + 3_600_000, 103]]));
    assert.deepEqual(third.fired, ['cool@3610000'], 'the cooldown ended in market time');

    // Editing the once rule re-arms it.
    const edited = parseAlertsConfig('rules:\n  - { id: once, name: once, type: price_level, exchange: binance, symbol: BTC/USDT, above: 100.5, frequency: once, autoPause: false }\n');
    const state = await AlertStateStore.open({ path: file });
    const engine = new AlertEngine({ hub: new FakeHub(), state, clock });
    engine.setRules(edited.rules);
    assert.equal(engine.status('once')?.status.kind, 'warming_up');
    assert.equal(engine.status('once')?.fireCount, 1, 'statistics are kept');
    engine.dispose();
  });
});
