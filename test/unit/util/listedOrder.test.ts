import * as assert from 'node:assert/strict';
import type { Trade } from '../../../src/core/types';
import { ConnectionTies, giveInOrder, listedAtEnds } from '../../../src/core/util/listedOrder';
import type { LateTies } from '../../../src/core/util/tradeOrder';

const t = (id: string, timestamp: number): Trade => ({ id, timestamp, price: 100, amount: 1, side: 'buy' });

describe('listedOrder', () => {
  it("listedAtEnds: the places of the trades of a hole's first and last milliseconds only", () => {
    const listed = listedAtEnds([t('a', 1), t('b', 2), t('c', 3), t('d', 3)], 1, 3);
    assert.deepEqual([...listed], [['a', 0], ['c', 2], ['d', 3]]);
  });

  it('giveInOrder: the accepted trades listed before a repeat of a held one of their millisecond go first, placed by the listing; the rest as the newest', () => {
    const calls: Array<{ ids: string[]; ties: LateTies | undefined }> = [];
    const give = (ts: readonly Trade[], ties: LateTies | undefined): void => void calls.push({ ids: ts.map((x) => x.id), ties });
    const listing = [t('x', 5), t('held', 5), t('y', 5), t('z', 6)];
    giveInOrder(listing, [listing[0]!, listing[2]!, listing[3]!], 0, undefined, give);
    assert.deepEqual(calls.map((c) => c.ids), [['x'], ['y', 'z']]);
    assert.equal(calls[0]?.ties?.after('x', 'held', 5), false, 'x came before the held one');
    assert.equal(calls[1]?.ties, undefined, 'y came after it: the newest');
    calls.length = 0;
    giveInOrder(listing, [listing[0]!, listing[2]!, listing[3]!], 0, undefined, () => undefined);
    giveInOrder([t('p', 7), t('q', 8)], [t('p', 7), t('q', 8)], 0, undefined, give);
    assert.deepEqual(calls, [{ ids: ['p', 'q'], ties: undefined }], 'nothing repeated: one call, as given');
  });

  it("ConnectionTies: a connection's messages that repeat or resend trades are listed in the order sent, across messages; the live path is not", () => {
    const ties = new ConnectionTies();
    ties.listResend([t('live-1', 1), t('live-2', 2)], 2);
    assert.equal(ties.after('live-2', 'live-1', 9), false, 'taken whole: not listed, so by the bounds (before)');
    ties.listResend([t('held', 5)], 0); // a repeat
    ties.listResend([t('late', 5), t('new', 6)], 1); // in a later message, late: `new` alone in order
    assert.equal(ties.after('late', 'held', 5), true, 'listed after the repeat, a message later');
    ties.listResend([t('late', 5), t('held', 5)], 0); // sent again: the first listing stands
    assert.equal(ties.after('late', 'held', 5), true);
  });
});
