import * as assert from 'node:assert/strict';
import { compareTradeIds, LateTies } from '../../../src/core/util/tradeOrder';

describe('compareTradeIds', () => {
  it('orders sequence numbers by value, exactly past 2^53 and across lengths', () => {
    assert.ok((compareTradeIds('9', '10') as number) < 0);
    assert.ok((compareTradeIds('9007199254740993', '9007199254740992') as number) > 0, 'Number() would call these equal');
    assert.equal(compareTradeIds('0042', '42'), 0);
  });

  it('says nothing of ids that are not sequence numbers', () => {
    assert.equal(compareTradeIds('0c6f1e2a-91d4-4b7e-a3f0-5d2c8e1b7f10', '0c6f2e2a-91d4-4b7e-a3f0-5d2c8e1b7f20'), undefined);
    assert.equal(compareTradeIds('ETH-12', '13'), undefined);
    assert.equal(compareTradeIds('', '1'), undefined);
  });
});

describe('LateTies', () => {
  it('by id where ids are sequence numbers, else after the held trades only at the hole’s first millisecond', () => {
    const ties = new LateTies(1_000);
    assert.equal(ties.after('7', '8', 5_000), false);
    assert.equal(ties.after('9', '8', 1_000), true);
    assert.equal(ties.after('b', 'a', 1_000), true);
    assert.equal(ties.after('b', 'a', 5_000), false);
    assert.equal(new LateTies().after('b', 'a', 1_000), false);
  });

  it('where the exchange’s answer lists both the late trade and the held one, as listed; else by the hole’s bounds', () => {
    const ties = new LateTies(1_000, new Map([['held-a', 4], ['late-b', 5], ['late-c', 3]]));
    assert.equal(ties.after('late-b', 'held-a', 5_000), true, 'listed after it, though not at the hole’s first millisecond');
    assert.equal(ties.after('late-c', 'held-a', 1_000), false, 'listed before it, though at the hole’s first millisecond');
    assert.equal(ties.after('late-b', 'held-z', 5_000), false, 'the held one not listed: by the bounds');
    assert.equal(ties.forAnotherCall().after('late-b', 'held-a', 5_000), true, 'another call, the same answer');
    assert.equal(new LateTies(0, new Map([['8', 9], ['9', 1]])).after('9', '8', 5), true, 'sequence ids first');
  });
});
