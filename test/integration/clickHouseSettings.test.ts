// The store chosen in settings: `tradesuite.recording.store: clickhouse` sends the extension's recorders to the server, and its replays, Recordings node and backtests read from it.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setConfiguration } from '../helpers/fakeVscode';
import type * as vscode from 'vscode';
import { CLICKHOUSE_PASSWORD_ENV } from '../../src/core/record/recordStoreChoice';
import { readEvents } from '../../src/core/record/recordSource';
import { EngineHost } from '../../src/extension/engineHost';
import { RecordingController } from '../../src/extension/recording/recordingController';
import { readSettings } from '../../src/extension/settings';
import { CH_PASSWORD, CH_USER, ClickHouseServer } from '../helpers/clickHouseServer';
import { captureLog } from '../helpers/emulatorHub';
import { FakeRecordingHub } from '../helpers/fakeRecordingHub';

describe('the record store chosen in settings (real clickhouse-server)', function () {
  this.timeout(60_000);
  let server: ClickHouseServer | undefined;
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-store-choice-'))));
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    delete process.env[CLICKHOUSE_PASSWORD_ENV];
    await fs.rm(root, { recursive: true, force: true });
  });

  it('embedded by default; `clickhouse` with URL, database and user (password from the environment): the recorders write there, the REC detail and the source name it', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'], 'tradesuite.recording.directory': root });
    let settings = readSettings().settings;
    const engine = new EngineHost(() => settings, { fsPath: root } as vscode.Uri, captureLog());
    assert.equal(engine.clickHouse, undefined);
    assert.equal(engine.recordSource.name, `parquet ${root}`);

    server = await ClickHouseServer.start();
    process.env[CLICKHOUSE_PASSWORD_ENV] = CH_PASSWORD;
    setConfiguration({
      'tradesuite.exchanges': ['binance'],
      'tradesuite.recording.directory': root,
      'tradesuite.recording.markets': ['binance:BTC/USDT'],
      'tradesuite.recording.store': 'clickhouse',
      'tradesuite.recording.clickhouse.url': server.url,
      'tradesuite.recording.clickhouse.database': 'from_settings',
      'tradesuite.recording.clickhouse.user': CH_USER,
    });
    const read = readSettings();
    assert.deepEqual(read.problems, []);
    settings = read.settings;
    assert.deepEqual(engine.clickHouse, { url: server.url, database: 'from_settings', user: CH_USER, password: CH_PASSWORD });
    assert.equal(engine.recordSource.name, `clickhouse 127.0.0.1:${server.port}/from_settings`);

    // The controller's recorders on a hub that needs no exchange; the rows must reach the server.
    const hub = new FakeRecordingHub();
    const fake = { get hub() { return hub; }, warm: () => undefined, recordingRoot: root, get clickHouse() { return engine.clickHouse; } } as unknown as EngineHost;
    const controller = new RecordingController(fake, () => settings, captureLog(), () => undefined);
    const btc = { exchange: 'binance', symbol: 'BTC/USDT' };
    const recording = new Promise<void>((resolve) => controller.onDidChange(() => controller.info(btc).status === 'recording' && resolve()));
    controller.sync();
    await recording;
    assert.match(controller.info(btc).detail ?? '', new RegExp(`^Recorded into clickhouse 127\\.0\\.0\\.1:${server.port}/from_settings `));
    hub.send(btc, 25);
    await controller.stop(); // writes what it holds
    const ids: string[] = [];
    for await (const e of readEvents(engine.recordSource, { market: btc, from: 0, until: Number.MAX_SAFE_INTEGER })) if (e.kind === 'trades') ids.push(e.row.id);
    assert.equal(ids.length, 25, 'the trades are in ClickHouse');
    assert.deepEqual((await engine.recordSource.markets()).map((m) => m.market), [btc], 'the Recordings node lists it from the server');
    assert.deepEqual(await fs.readdir(root), [], 'nothing written to the embedded store');
    controller.dispose();
  });

  it('a bad store setting is named and falls back to its default', () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'], 'tradesuite.recording.store': 'influx', 'tradesuite.recording.clickhouse.database': 'a-b', 'tradesuite.recording.clickhouse.url': 'ch:8123' });
    const { settings, problems } = readSettings();
    assert.equal(settings.recording.store, 'embedded');
    assert.deepEqual(settings.recording.clickhouse, { url: 'http://127.0.0.1:8123', database: 'tradesuite', user: '' });
    assert.equal(problems.length, 3, problems.join('\n'));
  });
});
