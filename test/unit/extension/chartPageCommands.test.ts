/**
 * A chart's page sending its costly commands in a loop (a hostile or broken page): the host writes settings.json,
 * subscribes again or asks the exchange for older bars at most once per interval, acts on what was asked last,
 * answers every volume profile ask, and names each flooded method once in the log.
 */
import * as assert from 'node:assert/strict';
import type { Timeframe } from '../../../src/core/timeframes';
import type { Logger } from '../../../src/core/util/log';
import { ChartPageCommands, type ChartCommandTarget } from '../../../src/extension/panels/chartPageCommands';
import { ASK_INTERVAL_MS, PageAsks } from '../../../src/extension/panels/pageAsks';
import type { HostMessage, VolumeProfileMode, WebviewMessage } from '../../../src/shared/protocol';
import { ManualTime } from '../../helpers/manualTime';

function rig(offered: readonly string[] = []) {
  const time = new ManualTime();
  time.now = 10_000;
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const asks = new PageAsks(() => 'chart panel "BTC/USDT · 1m"', log, () => undefined, () => undefined, () => time.now, time.schedule);
  let setting: VolumeProfileMode = 'visible';
  const writes: Array<{ mode: VolumeProfileMode; settle: () => void }> = [];
  const did = { timeframes: [] as Timeframe[], footprints: [] as boolean[], older: [] as number[], sent: [] as HostMessage[], errors: [] as string[], resolved: [] as string[] };
  const target: ChartCommandTarget = {
    setTimeframe: (tf) => void did.timeframes.push(tf),
    offeredTimeframes: () => offered,
    setFootprint: (on) => void did.footprints.push(on),
    writeVolumeProfile: (mode) =>
      new Promise<void>((resolve) =>
        writes.push({
          mode,
          settle: () => {
            setting = mode;
            resolve();
          },
        }),
      ),
    volumeProfile: () => setting,
    loadOlderBars: (requestId) => void did.older.push(requestId),
    send: (m) => void did.sent.push(m),
    showError: (m) => void did.errors.push(m),
    resolveError: (m) => void did.resolved.push(m),
    warn: (m) => void warnings.push(m),
  };
  const commands = new ChartPageCommands(asks, target);
  const fromPage = (m: WebviewMessage) => commands.handle(m);
  return { time, warnings, asks, writes, did, commands, fromPage };
}

/** Lets the promise callbacks of a settled write run. */
const settled = () => new Promise<void>((r) => setImmediate(r));

describe('chart page commands: a flooding page', () => {
  it('chart/setVolumeProfile 10,000 times: one write at a time, at most one per interval, the last mode written, every ask answered', async () => {
    const { time, warnings, writes, did, fromPage } = rig();
    const N = 10_000;
    for (let i = 0; i < N; i++) fromPage({ method: 'chart/setVolumeProfile', params: { mode: i % 2 === 0 ? 'session' : 'visible' } });
    assert.deepEqual(writes.map((w) => w.mode), ['session'], 'the first ask is written at once, the others wait for it');
    writes[0]!.settle();
    await settled();
    time.advance(ASK_INTERVAL_MS);
    assert.deepEqual(writes.map((w) => w.mode), ['session', 'visible'], 'then one write for all the others: the last mode');
    writes[1]!.settle();
    await settled();
    time.advance(60_000);
    assert.equal(writes.length, 2, 'nothing more to write');
    const answers = did.sent.flatMap((m) => (m.method === 'chart/volumeProfile' ? [m.params] : []));
    assert.deepEqual(answers, [{ mode: 'session', answered: 1 }, { mode: 'visible', answered: N - 1 }], 'every ask answered (the page counts them), with the setting as written');
    assert.deepEqual(warnings, [`chart panel "BTC/USDT · 1m": its page sent chart/setVolumeProfile 20 times more than once per ${ASK_INTERVAL_MS} ms; acted on the latest at most that often`]);
  });

  it('a failed write is shown, answered with the setting as it is, and the next ask is written', async () => {
    const { time, did, asks } = rig();
    const failing = new ChartPageCommands(asks, {
      setTimeframe: () => undefined,
      offeredTimeframes: () => [],
      setFootprint: () => undefined,
      writeVolumeProfile: () => Promise.reject(new Error('settings.json is read-only')),
      volumeProfile: () => 'visible',
      loadOlderBars: () => undefined,
      send: (m) => void did.sent.push(m),
      showError: (m) => void did.errors.push(m),
      resolveError: (m) => void did.resolved.push(m),
      warn: () => undefined,
    });
    failing.handle({ method: 'chart/setVolumeProfile', params: { mode: 'session' } });
    failing.handle({ method: 'chart/setVolumeProfile', params: { mode: 'session' } });
    await settled();
    time.advance(ASK_INTERVAL_MS);
    await settled();
    assert.deepEqual(did.errors, ['the volume profile setting could not be changed: settings.json is read-only', 'the volume profile setting could not be changed: settings.json is read-only']);
    assert.deepEqual(did.sent, [{ method: 'chart/volumeProfile', params: { mode: 'visible', answered: 1 } }, { method: 'chart/volumeProfile', params: { mode: 'visible', answered: 1 } }]);
  });

  it("a failed write's banner is resolved by the next write that succeeds, not before", async () => {
    const { time, did, asks } = rig();
    let failing = true;
    const commands = new ChartPageCommands(asks, {
      setTimeframe: () => undefined,
      offeredTimeframes: () => [],
      setFootprint: () => undefined,
      writeVolumeProfile: () => (failing ? Promise.reject(new Error('settings.json is read-only')) : Promise.resolve()),
      volumeProfile: () => 'visible',
      loadOlderBars: () => undefined,
      send: (m) => void did.sent.push(m),
      showError: (m) => void did.errors.push(m),
      resolveError: (m) => void did.resolved.push(m),
      warn: () => undefined,
    });
    commands.handle({ method: 'chart/setVolumeProfile', params: { mode: 'session' } });
    await settled();
    assert.deepEqual(did.resolved, []);
    failing = false;
    time.advance(ASK_INTERVAL_MS);
    commands.handle({ method: 'chart/setVolumeProfile', params: { mode: 'visible' } });
    await settled();
    time.advance(ASK_INTERVAL_MS);
    await settled();
    assert.deepEqual(did.resolved, did.errors, 'the banner shown is the one resolved');
    assert.equal(did.errors.length, 1);
  });

  it('chart/loadOlderBars 10,000 times a second for 2 s: at most one request started per interval, the last one always served', () => {
    const { time, warnings, did, fromPage } = rig();
    let id = 0;
    for (let ms = 0; ms < 2000; ms++) {
      for (let i = 0; i < 10; i++) fromPage({ method: 'chart/loadOlderBars', params: { requestId: ++id, before: 1_700_000_000_000, count: 500 } });
      time.advance(1);
    }
    time.advance(ASK_INTERVAL_MS);
    assert.ok(did.older.length <= 2000 / ASK_INTERVAL_MS + 1, `${did.older.length} requests started for ${id} asks`);
    assert.equal(did.older.at(-1), id, 'the page’s last request is the one served last');
    assert.equal(warnings.filter((w) => w.includes('chart/loadOlderBars')).length, 1, 'named once');
  });

  it('a timeframe or footprint switch in a loop: subscribes again at most once per interval, ending on what was asked last', () => {
    const { time, warnings, did, fromPage } = rig();
    const tfs: Timeframe[] = ['1m', '5m', '15m', '1h'];
    for (let i = 0; i < 1001; i++) {
      fromPage({ method: 'chart/setTimeframe', params: { timeframe: tfs[i % tfs.length]! } });
      fromPage({ method: 'chart/setFootprint', params: { on: i % 2 === 0 } });
    }
    time.advance(ASK_INTERVAL_MS);
    assert.deepEqual(did.timeframes, ['1m', '1m'], 'the first at once, the last (1000 % 4 → 1m) at the interval’s end');
    assert.deepEqual(did.footprints, [true, true]);
    assert.deepEqual(
      warnings.map((w) => /sent (\S+)/.exec(w)?.[1]),
      ['chart/setTimeframe', 'chart/setFootprint'],
    );
  });

  it('an older-bars ask still waiting when the series changes is dropped; an unknown timeframe is named shortened', () => {
    const { time, warnings, did, fromPage, commands } = rig();
    fromPage({ method: 'chart/loadOlderBars', params: { requestId: 1, before: 1, count: 1 } });
    fromPage({ method: 'chart/loadOlderBars', params: { requestId: 2, before: 1, count: 1 } });
    commands.seriesChanged();
    time.advance(ASK_INTERVAL_MS);
    assert.deepEqual(did.older, [1]);
    fromPage({ method: 'chart/setTimeframe', params: { timeframe: '7m\n' } });
    assert.deepEqual(warnings, ['its page asked for unknown timeframe "7m\\n"']);
  });

  it('chart/setTimeframe of a timeframe the market does not have: refused with a warning, never replacing an ask waiting', () => {
    const { time, warnings, did, fromPage } = rig(['1m', '5m', '1h']);
    fromPage({ method: 'chart/setTimeframe', params: { timeframe: '1s' } });
    assert.deepEqual(did.timeframes, []);
    assert.deepEqual(warnings, ['its page asked for timeframe "1s", which its market does not have (1m 5m 1h)']);
    fromPage({ method: 'chart/setTimeframe', params: { timeframe: '5m' } });
    fromPage({ method: 'chart/setTimeframe', params: { timeframe: '1h' } });
    fromPage({ method: 'chart/setTimeframe', params: { timeframe: '4h' } });
    time.advance(ASK_INTERVAL_MS);
    assert.deepEqual(did.timeframes, ['5m', '1h'], 'the last one it has');
  });

  it('disposed with the panel: the asks waiting are dropped and their timers cancelled', () => {
    const { time, did, fromPage, asks } = rig();
    fromPage({ method: 'chart/setTimeframe', params: { timeframe: '5m' } });
    fromPage({ method: 'chart/setTimeframe', params: { timeframe: '1h' } });
    fromPage({ method: 'chart/loadOlderBars', params: { requestId: 1, before: 1, count: 1 } });
    fromPage({ method: 'chart/loadOlderBars', params: { requestId: 2, before: 1, count: 1 } });
    assert.equal(time.pending, 2);
    asks.dispose();
    assert.equal(time.pending, 0);
    time.advance(1_000);
    assert.deepEqual([did.timeframes, did.older], [['5m'], [1]]);
  });
});
