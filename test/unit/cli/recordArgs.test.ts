import * as assert from 'node:assert/strict';
import { runArgs } from './helpers';

describe('tradesuite-alerts arguments: --record', () => {
  it('takes a folder, a retention in days and a size budget in GB', () => {
    const a = runArgs(['--config', 'a.yaml', '--record', 'rec', '--record-retention-days', '30', '--record-max-gb=0.5']);
    assert.equal(a.record, 'rec');
    assert.equal(a.recordRetentionDays, 30);
    assert.equal(a.recordMaxBytes, 500_000_000);
    assert.equal(runArgs(['--config', 'a.yaml']).record, undefined);
  });

  it('refuses bad values, and a retention or budget without --record, saying what to type', () => {
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record', 'r', '--record-retention-days', '1.5']), /--record-retention-days: expected a whole number of days/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record', 'r', '--record-max-gb', '-1']), /--record-max-gb: expected a size in GB greater than 0/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record-max-gb', '2']), /need --record DIR/);
  });

  it('--record-store clickhouse records into ClickHouse: URL, database and user with defaults; the embedded options are refused with it', () => {
    const a = runArgs(['--config', 'a.yaml', '--record-store', 'clickhouse', '--clickhouse-url=http://ch.local:8123', '--clickhouse-user', 'rec']);
    assert.deepEqual(a.recordClickHouse, { url: 'http://ch.local:8123', database: 'tradesuite', user: 'rec' });
    assert.equal(a.record, undefined);
    assert.deepEqual(runArgs(['--config', 'a.yaml', '--record-store', 'clickhouse']).recordClickHouse, { url: 'http://127.0.0.1:8123', database: 'tradesuite', user: '' });
    assert.equal(runArgs(['--config', 'a.yaml', '--record', 'r']).recordClickHouse, undefined);
    assert.equal(runArgs(['--config', 'a.yaml', '--record', 'r', '--record-store', 'embedded']).recordClickHouse, undefined);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record-store', 'influx']), /--record-store: expected embedded or clickhouse, got "influx"/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record-store', 'clickhouse', '--clickhouse-database', 'x;drop']), /--clickhouse-database: expected a name of letters/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record-store', 'clickhouse', '--clickhouse-url', 'ch.local']), /--clickhouse-url: expected the server's HTTP interface/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record-store', 'clickhouse', '--record', 'r']), /leave it out/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record-store', 'clickhouse', '--record-retention-days', '3']), /ClickHouse keeps its own retention/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record', 'r', '--clickhouse-url', 'http://a:1']), /--clickhouse-url needs --record-store clickhouse/);
    assert.throws(() => runArgs(['--config', 'a.yaml', '--record-store', 'embedded']), /needs --record DIR/);
  });
});
