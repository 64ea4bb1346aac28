/**
 * One side of bench `throughput`, in its own process: a bare ccxt `watchTrades` loop, or the hub with a trades
 * subscription and candles of 6 timeframes, on one market of an emulator. It tells its parent when it is in its
 * steady state, and answers each `mark` with its CPU time and the trades received so far, so both sides can be
 * measured over the same wall-clock windows.
 * Usage (forked with IPC): throughputConsumer.ts bare|hub <exchange> <emulator url> [empties-cache]
 * (`empties-cache`: the bare loop empties ccxt's trade cache of the market after each read, as our client does.)
 */
import * as http from 'node:http';
import { endpointOptions, endpointUrls } from '../src/core/exchange/endpointOverrides';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { loadCcxt } from '../src/core/exchange/ccxtLoader';
import { MarketHub } from '../src/core/hub/marketHub';
import { assertNever } from '../src/core/util/assertNever';
import { THROUGHPUT_MARKETS, THROUGHPUT_TIMEFRAMES, type BenchExchange, type ConsumerMessage, type ParentMessage } from './throughputProtocol';

const [mode, exchange, url, emptiesCache] = process.argv.slice(2) as ['bare' | 'hub', BenchExchange, string, 'empties-cache' | undefined];
const { symbol, params } = THROUGHPUT_MARKETS[exchange];
let trades = 0;
let steadySent = false;
const abort = new AbortController();
const send = (m: ConsumerMessage) => process.send!(m);
const steady = () => {
  if (steadySent) return;
  steadySent = true;
  send({ type: 'steady' });
};

async function bare(): Promise<void> {
  const ccxt = await loadCcxt();
  const ex = new ccxt.pro[exchange]({ urls: endpointUrls(exchange, url), options: endpointOptions(exchange), httpAgent: new http.Agent() });
  while (!abort.signal.aborted) {
    const batch = await ex.watchTrades(symbol, undefined, undefined, { ...params });
    if (emptiesCache) (ex.trades[symbol] as { clear(): void } | undefined)?.clear();
    trades += batch.length;
    steady();
  }
  await ex.close();
}

/** Steady once every timeframe's history is seeded (a one-off cost per chart opened, not a per-trade one). */
async function hub(): Promise<void> {
  const registry = new ExchangeRegistry([{ id: exchange, endpoint: url }]);
  const h = new MarketHub({ clients: registry, historyBars: 100 });
  let seeded = 0;
  const subs = THROUGHPUT_TIMEFRAMES.map((timeframe) => h.subscribe({ kind: 'candles', exchange, symbol, timeframe }, (e) => e.type === 'snapshot' && ++seeded === THROUGHPUT_TIMEFRAMES.length && steady()));
  subs.push(h.subscribe({ kind: 'trades', exchange, symbol }, (e) => e.type === 'trades' && (trades += e.trades.length)));
  await new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
  for (const s of subs) s.dispose();
  await h.close();
  await registry.closeAll();
}

process.on('message', (m: ParentMessage) => {
  switch (m.type) {
    case 'mark': {
      const cpu = process.cpuUsage();
      send({ type: 'mark', cpuMicros: cpu.user + cpu.system, trades });
      return;
    }
    case 'stop':
      abort.abort();
      return;
    default:
      assertNever(m);
  }
});

(mode === 'hub' ? hub() : bare()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
