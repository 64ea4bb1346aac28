// Bybit's codes for a failure on its own side (HTTP 200 with a retCode), through real ccxt's own error handling with
// the table TradeSuite gives it: server errors, retried; its codes for the caller's mistakes stay what ccxt makes them.
import * as assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { serverErrorExceptions } from '../../src/core/exchange/serverErrorCodes';
import { classifyError, isRetryable } from '../../src/core/streams/errorKind';

type BybitId = 'bybit' | 'bybiteu' | 'bybitid';

/** What ccxt's bybit throws for an answer of HTTP 200 with `retCode` and `retMsg` (undefined: nothing). */
function thrownFor(id: BybitId, retCode: number, retMsg: string): unknown {
  const exceptions = serverErrorExceptions(id, ccxt);
  const ex = new ccxt[id](exceptions ? { exceptions } : {});
  const body = JSON.stringify({ retCode, retMsg, result: {}, retExtInfo: {}, time: 1 });
  try {
    ex.handleErrors(200, 'OK', 'https://api.bybit.com/v5/market/recent-trade', 'GET', {}, body, JSON.parse(body), {}, undefined);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("Bybit's server-side retCodes (real ccxt's handleErrors)", () => {
  for (const id of ['bybit', 'bybiteu', 'bybitid'] as const) {
    it(`${id}: 10016 (server error), 5004 and 10000 (Server Timeout) are server errors, retried`, () => {
      for (const [code, message] of [
        [10016, 'Internal server error.'],
        [5004, 'Server Timeout'],
        [10000, 'Server Timeout'],
      ] as const) {
        const err = thrownFor(id, code, message);
        assert.ok(err instanceof ccxt.OperationFailed, `${code}: ${String(err)}`);
        assert.equal(classifyError(err), 'server', `${code}`);
        assert.ok(isRetryable(classifyError(err)), `${code}`);
      }
    });
  }

  it("the caller's mistakes stay as ccxt makes them: not retried as server errors", () => {
    const bad = thrownFor('bybit', 10001, 'params error');
    assert.ok(bad instanceof ccxt.BadRequest && !(bad instanceof ccxt.OperationFailed), String(bad));
    const unknown = thrownFor('bybit', 123456, 'something else');
    assert.ok(unknown instanceof ccxt.ExchangeError && !(unknown instanceof ccxt.OperationFailed), String(unknown));
    assert.equal(serverErrorExceptions('binance', ccxt), undefined, 'Binance needs nothing: ccxt maps its -1000/-1001');
  });
});
