import * as assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/args';

describe('tradesuite-alerts arguments: --record', () => {
  it('takes a folder, a retention in days and a size budget in GB', () => {
    const a = parseArgs(['--config', 'a.yaml', '--record', 'rec', '--record-retention-days', '30', '--record-max-gb=0.5']);
    assert.equal(a.record, 'rec');
    assert.equal(a.recordRetentionDays, 30);
    assert.equal(a.recordMaxBytes, 500_000_000);
    assert.equal(parseArgs(['--config', 'a.yaml']).record, undefined);
  });

  it('refuses bad values, and a retention or budget without --record, saying what to type', () => {
    assert.throws(() => parseArgs(['--config', 'a.yaml', '--record', 'r', '--record-retention-days', '1.5']), /--record-retention-days: expected a whole number of days/);
    assert.throws(() => parseArgs(['--config', 'a.yaml', '--record', 'r', '--record-max-gb', '-1']), /--record-max-gb: expected a size in GB greater than 0/);
    assert.throws(() => parseArgs(['--config', 'a.yaml', '--record-max-gb', '2']), /need --record DIR/);
  });
});
