import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClickHouseSource } from '../../src/core/record/clickHouseSource';
import { readRecorded } from '../../src/core/record/recordReader';
import { readEvents } from '../../src/core/record/recordSource';
import type { RecordedEvent } from '../../src/core/record/recordTypes';
import { CLICKHOUSE_PASSWORD_ENV } from '../../src/core/record/recordStoreChoice';
import { ExchangeEmulator } from '../../src/emulator';
import { CH_PASSWORD, CH_USER, ClickHouseServer } from '../helpers/clickHouseServer';
import { startBot } from '../helpers/spawnBot';

/** Resolves once the emulator has served `n` more trades. */
function tradesServed(emu: ExchangeEmulator, n: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = 0;
    const onTrade = () => {
      if (++seen < n) return;
      emu.off('trade', onTrade);
      resolve();
    };
    emu.on('trade', onTrade);
  });
}

/** The recorded trades are the emulator's, in order, none missing in between; book rows were recorded too. */
async function assertRecordedLog(emu: ExchangeEmulator, events: AsyncIterable<RecordedEvent>): Promise<void> {
  const ids: string[] = [];
  let books = 0;
  for await (const e of events) {
    if (e.kind === 'trades') ids.push(e.row.id);
    if (e.kind === 'book') books++;
  }
  const log = emu.trades('BTC/USDT').map((t) => emu.wireTradeId('BTC/USDT', t));
  const first = log.indexOf(ids[0]!);
  assert.ok(ids.length >= 20, `trades recorded (${ids.length})`);
  assert.deepEqual(ids, log.slice(first, first + ids.length), "the emulator's trades, in order, none missing in between");
  assert.ok(books > 0, 'book rows recorded');
}

describe('tradesuite-alerts --record (spawned process, real ccxt, emulator)', function () {
  this.timeout(60_000);
  let emulator: ExchangeEmulator | undefined;
  let dir: string;
  let server: ClickHouseServer | undefined;
  afterEach(async () => {
    await emulator?.close();
    await server?.stop();
    server = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('records the markets of the rules while it runs, and on SIGTERM writes what it holds and exits 0', async () => {
    emulator = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 50, historyMinutes: 10 });
    const emu = emulator;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-record-'));
    const config = path.join(dir, 'alerts.yaml');
    await fs.writeFile(config, 'rules:\n  - name: never\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 100000000\n');
    const store = path.join(dir, 'recorded');
    const bot = startBot(['--config', config, '--exchange-url', `binance=${emu.url}`, '--no-watch', '--cache-dir', path.join(dir, 'cache'), '--record', store]);
    await bot.line(/recording binance BTC\/USDT to parquet/);
    await emu.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) === 1, 20_000);
    await tradesServed(emu, 150);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0);

    await assertRecordedLog(emu, readRecorded(store, { market: { exchange: 'binance', symbol: 'BTC/USDT' }, from: 0, until: Number.MAX_SAFE_INTEGER }));
  });

  it('--record-store clickhouse: records into a real clickhouse-server (password from the environment), and on SIGTERM writes what it holds and exits 0', async () => {
    server = await ClickHouseServer.start();
    emulator = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 50, historyMinutes: 10 });
    const emu = emulator;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-record-ch-'));
    const config = path.join(dir, 'alerts.yaml');
    await fs.writeFile(config, 'rules:\n  - name: never\n    type: price_level\n    exchange: binance\n    symbol: BTC/USDT\n    above: 100000000\n');
    const args = ['--config', config, '--exchange-url', `binance=${emu.url}`, '--no-watch', '--cache-dir', path.join(dir, 'cache'), '--record-store', 'clickhouse', '--clickhouse-url', server.url, '--clickhouse-database', 'bot', '--clickhouse-user', CH_USER];
    const bot = startBot(args, { [CLICKHOUSE_PASSWORD_ENV]: CH_PASSWORD });
    await bot.line(/recording binance BTC\/USDT to clickhouse 127\.0\.0\.1:\d+\/bot/);
    await emu.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) === 1, 20_000);
    await tradesServed(emu, 150);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0);
    assert.ok(!bot.err.some((l) => /failed a write/.test(l)), bot.err.join('\n'));

    const source = new ClickHouseSource({ url: server.url, database: 'bot', user: CH_USER, password: CH_PASSWORD });
    await assertRecordedLog(emu, readEvents(source, { market: { exchange: 'binance', symbol: 'BTC/USDT' }, from: 0, until: Number.MAX_SAFE_INTEGER }));
  });
});
