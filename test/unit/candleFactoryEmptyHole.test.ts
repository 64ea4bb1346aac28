// A reconnect's hole in which the exchange made no trade the stream had not sent: the factory owes it until its gap
// backfill is in, then says it is in (an empty send), owing nothing as it does: the rules' catching up ends there.
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { LostHole } from '../../src/core/hub/requests';
import { silentLogger } from '../../src/core/util/log';
import { restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

describe('CandleFactory: a hole with no trade the stream had not sent', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it('owes it from the drop until its gap backfill is in, then sends it empty, owing nothing by then', async () => {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    const sends: Array<{ readonly trades: number; readonly owed: boolean }> = [];
    const lost: LostHole[] = [];
    let now = M + 30_000;
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE));
    const factory = (f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 10, maxMs: 10, factor: 1, jitter: 0 }, repairMaxAttempts: 3, holeTrades: (t) => {
      sends.push({ trades: t.length, owed: factory.owesHole });
    }, holeLost: (h) => lost.push(h) }));
    factory.onStreamState(liveSince(M));
    factory.addTimeframe('1m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    assert.ok(factory.isReady('1m'));
    const before = trade(3, M + 31_000);
    ex.log.push(before);
    now = M + 32_000;
    factory.ingest([before]);
    for (let i = 0; i < 20; i++) await settle();
    assert.equal(ex.rest.pending, 0, 'live before the seed: no seam to check');
    assert.equal(factory.owesHole, false, 'no hole before a drop');

    const after = trade(4, M + MINUTE + 15_000);
    ex.log.push(after);
    factory.onStreamState(reconnecting);
    assert.equal(factory.owesHole, true, 'owed from the drop');
    now = M + MINUTE + 20_000;
    factory.onStreamState(liveSince(M));
    factory.ingest([after]);
    await restAsked(ex);
    assert.equal(factory.owesHole, true, 'owed while its backfill runs');
    ex.rest.answer();
    await settleUntil(() => sends.length > 0);
    assert.deepEqual(sends, [{ trades: 0, owed: false }], 'sent empty, owing nothing as it is');
    assert.deepEqual(lost, []);
    assert.equal(factory.owesHole, false);
  });
});
