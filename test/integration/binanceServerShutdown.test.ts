/**
 * Binance's `serverShutdown` ("sent when the server is about to shutdown, resulting in disconnection. Please establish
 * a new connection as soon as possible"). The emulator sends it on every spot connection in the documented shapes and
 * closes them later; ccxt (4.5.84) drops it, so without our hook the streams stayed on the doomed sockets until the
 * server's close. With it each stream reconnects on a new socket at once, reading reconnecting (naming the shutdown)
 * then live, the old socket is closed by us long before the server would, and every bar is true. Real ccxt.
 */
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import type { CcxtMarketDataClient } from '../../src/core/exchange/ccxtClient';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { ServerShutdownError } from '../../src/core/errors';
import { ExchangeEmulator } from '../../src/emulator';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { RawClient } from '../helpers/rawClient';
import { stateMoves } from '../helpers/stateMoves';
import type { CandleReq } from '../helpers/threeExchanges';
import { isProductTimer, timerOrigin, trackTimers, type TimerTracker } from '../helpers/timerTracker';

type BookReq = Extract<SubscriptionRequest, { kind: 'orderbook' }>;
type AnyRecorder = Recorder<CandleReq> | Recorder<BookReq>;

const symbol = 'BTC/USDT';
const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m'];
/** Long past the test's end: a socket gone before it was closed by the client, not by the server. */
const SERVER_CLOSES_AFTER_MS = 120_000;

const statuses = (rec: AnyRecorder, from = 0): string[] => rec.events.slice(from).flatMap((e) => (e.type === 'state' ? [e.state.status] : []));

describe('binance: the server announces its shutdown (serverShutdown)', function () {
  this.timeout(120_000);

  describe('the emulator', () => {
    let emu: ExchangeEmulator | undefined;
    const clients: RawClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) await c.close();
      await emu?.close();
      emu = undefined;
    });

    it('tells every spot connection in its form (raw, combined), not the futures ones, and closes them (1001) after the delay', async () => {
      emu = await ExchangeEmulator.start({ seed: 7, tradesPerSecond: 0, depthIntervalMs: 0 });
      const ws = emu.url.replace('http', 'ws');
      const raw = new RawClient(`${ws}/ws/btcusdt@aggTrade`);
      const combined = new RawClient(`${ws}/stream?streams=btcusdt@aggTrade`);
      const futures = new RawClient(`${ws}/fstream/market/ws/btcusdt@aggTrade`);
      clients.push(raw, combined, futures);
      for (const c of clients) await c.open();
      await emu.waitForStats((s) => s.openSockets === 3);
      const closes = [raw, combined].map((c) => once(c.ws, 'close') as Promise<[number, Buffer]>);
      const res = await fetch(`${emu.url}/_emulator/fault/serverShutdown`, { method: 'POST', body: JSON.stringify({ closeAfterMs: 300 }) });
      assert.deepEqual(await res.json(), { announced: 2 });
      const isShutdown = (f: unknown): f is Record<string, unknown> => typeof f === 'object' && f !== null && ('e' in f || 'stream' in f);
      const rawEvent = await raw.next(isShutdown);
      assert.deepEqual(Object.keys(rawEvent), ['e', 'E']);
      assert.equal(rawEvent.e, 'serverShutdown');
      assert.ok(Number.isInteger(rawEvent.E));
      const wrapped = await combined.next(isShutdown);
      assert.deepEqual(wrapped, { stream: '!serverShutdown', data: { e: 'serverShutdown', E: rawEvent.E } }, 'the same event, wrapped');
      for (const [code] of await Promise.all(closes)) assert.equal(code, 1001);
      assert.equal(futures.ws.readyState, futures.ws.OPEN, 'Binance documents no such event for its futures streams');
      await emu.waitForStats((s) => s.openSockets === 1);
    });

    it('is refused with a 400 on an exchange that documents no such notice', async () => {
      emu = (await ExchangeEmulator.start({ exchange: 'coinbase', seed: 7, tradesPerSecond: 0 })) as unknown as ExchangeEmulator;
      const res = await fetch(`${emu.url}/_emulator/fault/serverShutdown`, { method: 'POST', body: '{}' });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, /coinbase documents no server shutdown notice/);
    });
  });

  describe('the engine (real ccxt, emulator)', () => {
    let rig: Rig | undefined;
    afterEach(async () => {
      await rig?.close();
      rig = undefined;
    });

    async function streaming(r: Rig): Promise<{ recs: Map<Timeframe, Recorder<CandleReq>>; book: Recorder<BookReq>; all: AnyRecorder[]; subs: Array<{ dispose(): void }> }> {
      const recs = new Map(TIMEFRAMES.map((tf) => [tf, new Recorder<CandleReq>()]));
      const book = new Recorder<BookReq>();
      const subs = [
        ...TIMEFRAMES.map((tf) => r.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol, timeframe: tf }, recs.get(tf)!.consume)),
        r.hub.subscribe({ kind: 'orderbook', exchange: 'binance', symbol }, book.consume),
      ];
      const all: AnyRecorder[] = [...recs.values(), book];
      for (const rec of recs.values()) await rec.next((e) => e.type === 'snapshot', 'a snapshot', 30_000);
      for (const rec of all) await rec.next(() => statuses(rec).includes('live'), 'live', 30_000);
      return { recs, book, all, subs };
    }

    it('each stream moves to a new socket at once (reconnecting, naming the shutdown, then live), the old one is gone, and every bar is true', async () => {
      rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 10 });
      const emu = rig.emulator;
      const { recs, all, subs } = await streaming(rig);
      const context = () => `\nlog:\n${rig!.log.lines.slice(-30).join('\n')}`;
      for (let round = 0; round < 2; round++) {
        const before = emu.stats();
        const at = all.map((rec) => rec.events.length);
        const told = emu.announceServerShutdown(SERVER_CLOSES_AFTER_MS);
        assert.equal(told, before.openSockets, `round ${round}: every socket of the engine is told`);
        for (const [i, rec] of all.entries()) {
          await rec.next(() => stateMoves(rec.events, at[i]!).join(',') === 'reconnecting,live', `round ${round}: reconnecting then live`, 30_000).catch((error: unknown) => {
            throw new Error(`${String(error)}\nstates ${statuses(rec, at[i]).join(' → ')}${context()}`);
          });
          const reconnecting = rec.events.slice(at[i]).find((e) => e.type === 'state' && e.state.status === 'reconnecting');
          assert.ok(reconnecting?.type === 'state' && reconnecting.state.status === 'reconnecting');
          assert.equal(reconnecting.state.reason, 'binance announced a server shutdown (serverShutdown): reconnecting on a new connection');
          assert.equal(reconnecting.state.retryInMs, 0, 'at once, as the docs ask');
        }
        // The old sockets were closed by the client, long before the server's close: as many open as before, all new.
        await emu.waitForStats((s) => s.openSockets === before.openSockets && s.wsConnectionsTotal === before.wsConnectionsTotal + told, 30_000).catch((error: unknown) => {
          throw new Error(`an old socket left open: ${String(error)} ${JSON.stringify({ before: before.openSockets, now: emu.stats().openSockets })}${context()}`);
        });
      }
      await expectEveryBarTrue(rig, symbol, recs, '5m', context);
      for (const sub of subs) sub.dispose();
    });

    it('what the old socket delivers after the event is dropped: trades it sent late and trades no socket got are all in the bars, none twice', async () => {
      rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 10 });
      const emu = rig.emulator;
      const { recs, all, subs } = await streaming(rig);
      const context = () => `\nlog:\n${rig!.log.lines.slice(-30).join('\n')}`;
      emu.setTradesPerSecond(0);
      const at = all.map((rec) => rec.events.length);
      const price = emu.trades(symbol).at(-1)!.price;
      // In one turn, before the client reads a byte: the old sockets get the event, then trades (read after it, they
      // joined the new socket's first read in ccxt's shared cache); then they go quiet, and trades follow that no
      // socket gets (the new one is not subscribed yet). The seam at the oldest trade read left these in no bar.
      const told = emu.announceServerShutdown(SERVER_CLOSES_AFTER_MS);
      const late = await emu.playPath(symbol, [price + 1, price + 2, price + 3, price + 4], { intervalMs: 0 });
      assert.equal(emu.silenceConnections(symbol), told, 'only the told sockets');
      const unsent = await emu.playPath(symbol, [price + 5, price + 6, price + 7], { intervalMs: 0 });
      for (const [i, rec] of all.entries()) await rec.next(() => stateMoves(rec.events, at[i]!).join(',') === 'reconnecting,live', 'reconnecting then live', 30_000);
      assert.deepEqual([late.length, unsent.length], [4, 3]);
      // The new socket's first trades (the closer of expectEveryBarTrue follows them).
      await emu.playPath(symbol, [price + 8, price + 9], { intervalMs: 0 });
      await expectEveryBarTrue(rig, symbol, recs, '5m', context);
      for (const sub of subs) sub.dispose();
    });

    it('the socket moved away from keeps no timer: once the last consumer leaves, no keep-alive of ccxt is left running', async () => {
      // Found by the chaos test (seed 3): the left socket was failed with reject(), not ccxt's reset(), so its ping
      // interval outlived its close (our error is no ExchangeClosedByUser, which is all onClose resets for), every
      // 5 s for the life of the process, holding the client and what it cached.
      let timers: TimerTracker | undefined = trackTimers(isProductTimer);
      try {
        rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 10 });
        const emu = rig.emulator;
        const { all, subs } = await streaming(rig);
        const at = all.map((rec) => rec.events.length);
        const told = emu.announceServerShutdown(SERVER_CLOSES_AFTER_MS);
        assert.ok(told > 0, 'a socket was told');
        for (const [i, rec] of all.entries()) await rec.next(() => stateMoves(rec.events, at[i]!).join(',') === 'reconnecting,live', 'reconnecting then live', 30_000);
        for (const sub of subs) sub.dispose();
        await emu.waitForStats((s) => s.openSockets === 0, 30_000);
        await rig.hub.whenStreamsIdle();
        const left = timers.pendingStacks();
        assert.deepEqual(left.map(timerOrigin), [], `timers left:\n${left.join('\n---\n')}`);
      } finally {
        timers.restore();
        timers = undefined;
      }
    });

    it('a trade read not waiting when the event comes fails once, with the shutdown as its reason, and the next read comes on the new socket', async () => {
      // Found by the official CI (the stream read reconnecting twice under load): the read after the event took the
      // left socket as lost between two reads (TradesSocketLostError, retried after a backoff) and the read after that
      // failed again with the shutdown the hook had left for it.
      rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 10 });
      const emu = rig.emulator;
      const client = (await rig.registry.get('binance')) as CcxtMarketDataClient;
      assert.ok((await client.watchTrades(symbol)).length > 0, 'a first read, which the next continues');
      const before = emu.stats();
      assert.equal(before.openSockets, 1);
      // No read waits now: the event finds the trade watch between two reads.
      assert.equal(emu.announceServerShutdown(SERVER_CLOSES_AFTER_MS), 1);
      await emu.waitForStats((s) => s.openSockets === 0, 30_000);
      await assert.rejects(client.watchTrades(symbol), ServerShutdownError);
      assert.ok((await client.watchTrades(symbol)).length > 0, 'a read on the new socket');
      assert.equal(emu.stats().wsConnectionsTotal, before.wsConnectionsTotal + 1, 'one new socket');
    });

    it('without the hook ccxt drops the event: the streams stay on the doomed sockets (the defect)', async () => {
      rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 10 });
      const emu = rig.emulator;
      const client = (await rig.registry.get('binance')) as CcxtMarketDataClient;
      const ex = await (client as unknown as { exchange(): Promise<ProExchange> }).exchange();
      // Before any socket: ccxt binds handleMessage as it makes each one. Taking the own property out leaves ccxt's.
      assert.ok(delete (ex as unknown as Record<string, unknown>).handleMessage);
      const { all, subs } = await streaming(rig);
      const before = emu.stats();
      const at = all.map((rec) => rec.events.length);
      assert.equal(emu.announceServerShutdown(SERVER_CLOSES_AFTER_MS), before.openSockets);
      const trades = emu.trades(symbol).length;
      await all[0]!.next(() => emu.trades(symbol).length >= trades + 40 && all[0]!.events.at(-1)?.type === 'deltas', 'two seconds more of trades', 30_000);
      for (const [i, rec] of all.entries()) assert.deepEqual(stateMoves(rec.events, at[i]!), [], 'nothing moved');
      assert.equal(emu.stats().wsConnectionsTotal, before.wsConnectionsTotal, 'no new socket: the old ones wait for the server to close them');
      for (const sub of subs) sub.dispose();
    });
  });
});
