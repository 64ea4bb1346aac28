import * as assert from 'node:assert/strict';
import { settingsChanges, type Affects, type SettingsChangeTargets } from '../../../src/extension/settingsChanges';

/** A promise resolved from outside, for a step that takes as long as the test wants. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const changeOf =
  (...keys: string[]): Affects =>
  (key) =>
    keys.some((k) => k === key || k.startsWith(`${key}.`));

/** Targets that write each step into `calls`; `recorderStops` are the answers of recorder.stop(), one per call. */
function rig(recorderStops: Promise<void>[] = [], restart: () => Promise<void> = () => Promise.resolve(), engineStop: () => Promise<void> = () => Promise.resolve()) {
  const calls: string[] = [];
  const targets: SettingsChangeTargets = {
    recorder: {
      stop: () => {
        calls.push('recorder.stop');
        return recorderStops.shift() ?? Promise.resolve();
      },
      sync: () => calls.push('recorder.sync'),
    },
    engine: () => ({ stop: () => (calls.push('engine.stop'), engineStop()) }),
    panels: {
      resubscribeAll: () => calls.push('panels.resubscribeAll'),
      all: () => ['a panel'],
      settingsChanged: (affects) => calls.push(`panels.settingsChanged(${['exchanges', 'chart'].filter(affects).join()})`),
    },
    alerts: () => ({
      restart: () => (calls.push('alerts.restart'), restart()),
      aggregatesChanged: () => calls.push('alerts.aggregatesChanged'),
      configLocationChanged: () => (calls.push('alerts.configLocationChanged'), Promise.resolve()),
    }),
    tree: { refresh: () => calls.push('tree.refresh'), favouritesChanged: () => calls.push('tree.favouritesChanged') },
    log: { info: (m) => calls.push(`info: ${m}`), error: (m) => calls.push(`error: ${m}`) },
  };
  return { calls, apply: settingsChanges(targets) };
}

describe('settings changes applied to the running parts', () => {
  it('an engine setting restarts the engine: recorders written first, then every consumer subscribes again', async () => {
    const { calls, apply } = rig();
    await apply(changeOf('exchanges'));
    assert.deepEqual(calls, [
      'info: exchange settings changed: restarting the engine',
      'recorder.stop',
      'engine.stop',
      'panels.resubscribeAll',
      'alerts.restart',
      'recorder.sync',
      'tree.refresh',
      'info: settings changed: applied to the 1 open panel(s)',
      'panels.settingsChanged(exchanges)',
    ]);
  });

  it('a second change made while the first restart runs waits for it: no second stop meanwhile, the panels told in order', async () => {
    const slowStop = deferred();
    const { calls, apply } = rig([slowStop.promise]);
    const first = apply(changeOf('exchanges'));
    const second = apply(changeOf('exchanges'));
    const third = apply(changeOf('chart.emaPeriods'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['info: exchange settings changed: restarting the engine', 'recorder.stop'], 'the others wait while the recorders write');
    slowStop.resolve();
    await Promise.all([first, second, third]);
    assert.equal(calls.filter((c) => c === 'engine.stop').length, 2);
    const told = calls.filter((c) => c.startsWith('panels.') || c === 'engine.stop');
    assert.deepEqual(told, [
      'engine.stop',
      'panels.resubscribeAll',
      'panels.settingsChanged(exchanges)',
      'engine.stop',
      'panels.resubscribeAll',
      'panels.settingsChanged(exchanges)',
      'panels.settingsChanged(chart)',
    ]);
  });

  it('a step that fails is named in the log, the steps after it still run, and the next change is still applied', async () => {
    const { calls, apply } = rig([], () => Promise.reject(new Error('alerts.yaml unreadable')));
    await apply(changeOf('exchanges'));
    await apply(changeOf('chart.volume'));
    assert.ok(calls.includes('error: settings changed: the alert rules could not restart: alerts.yaml unreadable; the restart goes on'), calls.join('\n'));
    assert.deepEqual(calls.slice(calls.indexOf('alerts.restart') + 1, calls.indexOf('alerts.restart') + 4), ['error: settings changed: the alert rules could not restart: alerts.yaml unreadable; the restart goes on', 'recorder.sync', 'tree.refresh']);
    assert.equal(calls.at(-1), 'panels.settingsChanged(chart)');
  });

  it('an engine that fails to stop: the panels, the rules, the recorders and the tree still move to the new one', async () => {
    const { calls, apply } = rig([Promise.reject(new Error('disk full'))], undefined, () => Promise.reject(new Error('the hub could not close')));
    await apply(changeOf('exchanges'));
    assert.deepEqual(calls.slice(0, 10), [
      'info: exchange settings changed: restarting the engine',
      'recorder.stop',
      'error: settings changed: the recorders could not stop: disk full; the restart goes on',
      'engine.stop',
      'error: settings changed: the engine could not stop: the hub could not close; the restart goes on',
      'panels.resubscribeAll',
      'alerts.restart',
      'recorder.sync',
      'tree.refresh',
      'info: settings changed: applied to the 1 open panel(s)',
    ]);
  });

  it('other settings: the store moved writes the recorders out first; the tree and the alerts hear only what they show', async () => {
    const { calls, apply } = rig();
    await apply(changeOf('recording.store'));
    assert.deepEqual(calls.slice(0, 3), ['recorder.stop', 'recorder.sync', 'tree.favouritesChanged']);
    calls.length = 0;
    await apply(changeOf('aggregates'));
    assert.deepEqual(calls.slice(0, 3), ['alerts.aggregatesChanged', 'recorder.sync', 'tree.favouritesChanged']);
    calls.length = 0;
    await apply(changeOf('chart.emaPeriods'));
    assert.ok(!calls.some((c) => c.startsWith('tree.') || c.startsWith('alerts.') || c === 'recorder.stop'), calls.join('\n'));
    calls.length = 0;
    await apply(changeOf('alerts.configPath'));
    assert.ok(calls.includes('alerts.configLocationChanged'));
  });
});
