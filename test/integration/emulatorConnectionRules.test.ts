/**
 * The emulators hold WebSocket connections as their exchanges document (src/emulator/wsLiveness.ts), on the wire,
 * with raw `ws` clients: Binance pings every connection and drops one that does not answer with a pong carrying the
 * ping's payload (an unsolicited pong does not count); every exchange can end a connection at its lifetime (Binance's
 * 24 h, shortened by the option or the control API); Bybit cuts a connection it has sent nothing for its idle limit,
 * and a client's `{"op":"ping"}` keeps it; Binance disconnects a client sending more than 5 messages a second.
 */
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { ExchangeEmulator, type EmulatorOptions, type ExchangeId } from '../../src/emulator';
import { trackTimers } from '../helpers/timerTracker';

const wsUrl = (emu: ExchangeEmulator<ExchangeId>, path: string): string => `${emu.url.replace(/^http/, 'ws')}${path}`;
const PATHS: Readonly<Record<ExchangeId, string>> = { binance: '/ws', coinbase: '/', bybit: '/v5/public/linear' };

async function connect(url: string, options: { autoPong?: boolean } = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  await once(ws, 'open');
  return ws;
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.reject(new Error('already closed'));
  return once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
}

/** Resolves once `ws` has received `count` server pings (their payloads, in order). */
function pings(ws: WebSocket, count: number): Promise<string[]> {
  const seen: string[] = [];
  return new Promise((resolve) => {
    const onPing = (data: Buffer): void => {
      seen.push(data.toString('utf8'));
      if (seen.length < count) return;
      ws.off('ping', onPing);
      resolve(seen);
    };
    ws.on('ping', onPing);
  });
}

describe('emulator: connection keep-alive and lifetime as each exchange documents them (raw WebSocket)', function () {
  this.timeout(30_000);
  let emu: ExchangeEmulator<ExchangeId> | undefined;
  const sockets: WebSocket[] = [];
  const start = async (options: EmulatorOptions): Promise<ExchangeEmulator<ExchangeId>> => {
    emu = await ExchangeEmulator.start<ExchangeId>({ tradesPerSecond: 0, depthIntervalMs: 0, historyMinutes: 1, ...options });
    return emu;
  };
  const open = async (path: string, options: { autoPong?: boolean } = {}): Promise<WebSocket> => {
    const ws = await connect(wsUrl(emu!, path), options);
    sockets.push(ws);
    return ws;
  };
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await emu?.close();
    emu = undefined;
  });

  it('the exchanges\' own defaults: Binance ends a connection at 24 h and pings every 20 s; Coinbase and Bybit set no lifetime', async () => {
    for (const [exchange, lifetime] of [['binance', 86_400_000], ['coinbase', 0], ['bybit', 0]] as const) {
      const e = await start({ exchange });
      assert.equal(e.connectionLifetimeMs, lifetime, exchange);
      await e.close();
    }
  });

  it('Binance: a client that never pongs is dropped; one that answers every ping stays, across many pong deadlines', async () => {
    // Pings 400 times as often as Binance's: the pongs alone would pass its 5 messages a second, so no rate limit here.
    // A pong deadline of 2 s: a loaded machine may stall this process (client and server) for some hundreds of ms.
    const e = await start({ exchange: 'binance', serverPingIntervalMs: 50, pongTimeoutMs: 2_000, maxIncomingPerSecond: 0 });
    const answering = await open('/ws/btcusdt@trade');
    const silent = await open('/ws/btcusdt@trade', { autoPong: false });
    const silentClosed = closed(silent);
    const payloads = await pings(answering, 3);
    const serials = payloads.map(Number);
    assert.deepEqual(serials, [serials[0], serials[0]! + 1, serials[0]! + 2], `each ping carries its own payload for the pong to echo: ${payloads.join(', ')}`);
    await silentClosed;
    // A hundred more pings span more than two pong deadlines: the answering client is still served.
    await pings(answering, 100);
    assert.equal(answering.readyState, WebSocket.OPEN);
    await e.waitForStats((s) => s.openSockets === 1);
    const trade = once(answering, 'message');
    e.injectTrades('BTC/USDT', [{ price: 100_000, amount: 0.1, side: 'buy' }]);
    assert.equal((JSON.parse(String((await trade)[0])) as { e: string }).e, 'trade');
  });

  it('Binance: unsolicited pongs (not a copy of a ping\'s payload) do not keep a connection', async () => {
    await start({ exchange: 'binance', serverPingIntervalMs: 50, pongTimeoutMs: 300, maxIncomingPerSecond: 0 });
    const ws = await open('/ws', { autoPong: false });
    ws.on('ping', () => ws.pong('')); // empty, as Binance recommends for unsolicited ones: they do not count
    await closed(ws);
  });

  it('Binance: a connection ends at its lifetime with a close frame; a new one is served', async () => {
    const e = await start({ exchange: 'binance', connectionLifetimeMs: 300 });
    const ws = await open('/ws/btcusdt@trade');
    assert.deepEqual(await closed(ws), { code: 1001, reason: 'connection lifetime ended' });
    const again = await open('/ws/btcusdt@trade');
    const trade = once(again, 'message');
    e.injectTrades('BTC/USDT', [{ price: 100_000, amount: 0.1, side: 'buy' }]);
    await trade;
    await e.waitForStats((s) => s.openSockets === 0 && s.wsConnectionsTotal === 2, 10_000);
  });

  it('the control API shortens the lifetime of open connections (those older close at once) and refuses a bad value', async () => {
    const e = await start({ exchange: 'binance' });
    const ws = await open('/ws');
    const ended = closed(ws);
    const post = (body: unknown) => fetch(`${e.url}/_emulator/connection/lifetime`, { method: 'POST', body: JSON.stringify(body) });
    const bad = await post({ ms: -1 });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /'ms' must be a number >= 0/);
    assert.equal(ws.readyState, WebSocket.OPEN, 'a refused value changes nothing');
    const res = await post({ ms: 1 });
    assert.deepEqual(await res.json(), { connectionLifetimeMs: 1 });
    assert.equal((await ended).code, 1001);
  });

  it('Binance: a client over 5 messages a second (requests, pings and pongs counted) is disconnected; 5 are served', async () => {
    await start({ exchange: 'binance' });
    const polite = await open('/ws');
    const replies = new Promise<void>((resolve) => {
      let n = 0;
      polite.on('message', () => ++n === 5 && resolve());
    });
    for (let id = 1; id <= 5; id++) polite.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    await replies;
    assert.equal(polite.readyState, WebSocket.OPEN);

    const eager = await open('/ws');
    const ended = closed(eager);
    for (let id = 1; id <= 6; id++) eager.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    assert.deepEqual(await ended, { code: 1008, reason: 'Too many requests' });

    const pinging = await open('/ws');
    const pingEnded = closed(pinging);
    for (let i = 0; i < 3; i++) pinging.ping();
    for (let i = 0; i < 3; i++) pinging.pong();
    assert.equal((await pingEnded).code, 1008);
  });

  for (const exchange of ['coinbase', 'bybit'] as const) {
    it(`${exchange}: the lifetime knob ends its connections too`, async () => {
      await start({ exchange, connectionLifetimeMs: 300 });
      const ws = await open(PATHS[exchange]);
      assert.equal((await closed(ws)).code, 1001);
    });
  }

  it('Bybit: a connection sent nothing for the idle limit is cut; one whose client pings stays (each ping is answered)', async () => {
    const e = await start({ exchange: 'bybit', idleDisconnectMs: 1_000 });
    const idle = await open(PATHS.bybit);
    const pinging = await open(PATHS.bybit);
    let pongs = 0;
    const pongsDone = new Promise<void>((resolve) => {
      pinging.on('message', (data) => {
        if ((JSON.parse(String(data)) as { ret_msg?: string }).ret_msg === 'pong' && ++pongs === 30) resolve();
      });
    });
    // The client's own keep-alive, as Bybit asks (every 20 s there; every 100 ms here).
    const keepAlive = setInterval(() => pinging.send(JSON.stringify({ op: 'ping' })), 100);
    try {
      assert.deepEqual(await closed(idle), { code: 1000, reason: 'no ping and no data for too long' });
      await pongsDone; // 3 s of pings: more than two idle limits
      assert.equal(pinging.readyState, WebSocket.OPEN);
    } finally {
      clearInterval(keepAlive);
    }
    await e.waitForStats((s) => s.openSockets === 1);
  });

  it('Bybit: a connection its data flows on is not idle', async () => {
    await start({ exchange: 'bybit', idleDisconnectMs: 1_000, tradesPerSecond: 20, liquidationsPerTrade: 0 });
    const ws = await open(PATHS.bybit);
    ws.send(JSON.stringify({ op: 'subscribe', args: ['publicTrade.BTCUSDT'] }));
    let messages = 0;
    await new Promise<void>((resolve) => ws.on('message', () => ++messages === 60 && resolve())); // some 3 s of trades
    assert.equal(ws.readyState, WebSocket.OPEN);
  });

  it('every timer of the rules stops: a connection\'s lifetime at its close, the pings and idle scan with the emulator', async () => {
    const timers = trackTimers();
    try {
      for (const exchange of ['binance', 'bybit'] as const) {
        const e = await ExchangeEmulator.start<ExchangeId>({ exchange, tradesPerSecond: 0, depthIntervalMs: 0, historyMinutes: 1, connectionLifetimeMs: 60_000, idleDisconnectMs: 60_000 });
        const before = timers.pending();
        const clients = await Promise.all([0, 1, 2].map(() => connect(wsUrl(e, PATHS[exchange]))));
        await e.waitForStats((s) => s.openSockets === 3);
        assert.ok(timers.pending() >= before + 3, `${exchange}: a lifetime timer per connection`);
        for (const ws of clients) ws.terminate();
        await e.waitForStats((s) => s.openSockets === 0);
        assert.equal(timers.pending(), before, `${exchange}: the lifetimes stopped with their connections`);
        await e.close();
        assert.equal(timers.pending(), 0, `${exchange}: nothing left once the emulator is closed`);
      }
    } finally {
      timers.restore();
    }
  });

  it('a silenced connection is neither pinged nor dropped where the client could see it (its network is gone)', async () => {
    const e = await start({ exchange: 'binance', serverPingIntervalMs: 50, pongTimeoutMs: 300, maxIncomingPerSecond: 0, connectionLifetimeMs: 500 });
    const silenced = await open('/ws/btcusdt@trade');
    assert.equal(e.silenceConnections(), 1);
    let pinged = 0;
    silenced.on('ping', () => ++pinged);
    // Two clients that never pong, one after the other, each dropped at its pong deadline: more than the silenced
    // connection's pong deadline and its lifetime have passed since the silence.
    for (let i = 0; i < 2; i++) await closed(await open('/ws', { autoPong: false }));
    assert.equal(silenced.readyState, WebSocket.OPEN);
    assert.ok(pinged <= 1, `pings after the silence (one may have been on its way): ${pinged}`);
  });

  it('held client frames (a slow uplink): the server still sends after the client’s close, which it answers once released', async () => {
    const e = await start({ exchange: 'binance', maxIncomingPerSecond: 0 });
    const ws = await open('/ws/btcusdt@aggTrade');
    const other = await open('/ws/ethusdt@aggTrade');
    const hold = e.holdClientFrames('BTC/USDT');
    assert.equal(hold.held, 1, 'only the connections carrying the market');
    const frames: unknown[] = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
    const whenClosed = closed(ws);
    ws.close();
    const price = e.trades('BTC/USDT').at(-1)!.price;
    const [sent] = await e.playPath('BTC/USDT', [price + 1], { intervalMs: 0 });
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
    assert.equal(ws.readyState, WebSocket.CLOSING, 'our close is unanswered');
    assert.deepEqual(frames.map((f) => (f as { a?: number }).a), [sent!.id], 'the trade after our close still came');
    assert.equal(other.readyState, WebSocket.OPEN);
    hold.release();
    assert.equal((await whenClosed).code, 1005, 'answered once read');
  });
});
