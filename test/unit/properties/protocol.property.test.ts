/** Property-based tests of the webview protocol, both directions: valid messages pass unchanged, broken ones are rejected. */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { MAX_BATCH_DEPTH, parseHostMessage, parseWebviewMessage, type HostMessage } from '../../../src/shared/protocol';
import { unpackHostMessages } from '../../../src/webviews/shared/messages';
import { fuzz, hostile } from '../../helpers/fuzz';
import { BOOK_DEPTH } from '../../../src/shared/util/bookDepth';

const price = fc.double({ min: 1e-8, max: 1e9, noNaN: true });
const amount = fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true });
const time = fc.integer({ min: 0, max: 4e12 });
const name = fc.string({ minLength: 1, maxLength: 20 });
const market = fc.record({ exchange: name, symbol: name });
const timeframe = fc.constantFrom('1s', '1m', '5m', '1h', '1d', '1M');
const candle = fc.tuple(time, price, price, price, price, amount);
const ascendingCandles = fc.uniqueArray(candle, { selector: (c) => c[0], maxLength: 30 }).map((cs) => [...cs].sort((a, b) => a[0] - b[0]));
const level = fc.tuple(price, amount);
const cell = fc.oneof(fc.tuple(price, amount, amount), fc.tuple(price, amount, amount, fc.integer({ min: 1, max: 3 })));
const footprintBar = fc.record({ time, open: price, high: price, low: price, close: price, buy: amount, sell: amount, poc: price, cells: fc.array(cell, { maxLength: 6 }), partial: fc.boolean() }, { requiredKeys: ['time', 'open', 'high', 'low', 'close', 'buy', 'sell', 'poc', 'cells'] });
const signed = fc.double({ min: -1e9, max: 1e9, noNaN: true });
const deltaBar = fc.tuple(time, signed, signed);

const leafMessages: fc.Arbitrary<HostMessage>[] = [
  fc.record({
    method: fc.constant('chart/snapshot' as const),
    params: fc.record({
      market,
      timeframe,
      timeframes: fc.array(timeframe, { maxLength: 5 }),
      candles: ascendingCandles,
      options: fc.record({ emaPeriods: fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 4 }), showVolume: fc.boolean() }),
      markers: fc.array(fc.record({ time, text: fc.string({ maxLength: 30 }), position: fc.constantFrom('above' as const, 'below' as const) }), { maxLength: 4 }),
      history: fc.constantFrom('cached' as const, 'loading' as const, 'offline' as const),
      footprint: fc.boolean(),
    }, { requiredKeys: ['market', 'timeframe', 'timeframes', 'candles', 'options', 'markers'] }),
  }),
  fc.record({ method: fc.constant('chart/candles' as const), params: fc.record({ candles: fc.array(candle, { maxLength: 10 }) }) }),
  fc.record({
    method: fc.constant('chart/derivatives' as const),
    params: fc.record(
      { last: price, markPrice: price, indexPrice: price, fundingRate: fc.double({ min: -1, max: 1, noNaN: true }), nextFundingTime: time, openInterest: amount },
      { requiredKeys: ['last'] },
    ),
  }),
  fc.record({ method: fc.constant('chart/footprint' as const), params: fc.record({ market, timeframe: fc.constantFrom('1m', '1h'), depth: time, bucket: price, imbalanceRatio: fc.double({ min: 1.1, max: 100, noNaN: true }), cvdReset: fc.constantFrom('session' as const, 'continuous' as const), bars: fc.array(footprintBar, { maxLength: 4 }), deltas: fc.array(deltaBar, { maxLength: 4 }) }) }),
  fc.record({ method: fc.constant('chart/footprintBars' as const), params: fc.record({ bars: fc.array(footprintBar, { maxLength: 4 }), deltas: fc.array(deltaBar, { maxLength: 4 }) }) }),
  fc.record({ method: fc.constant('book/update' as const), params: fc.record({ market, bids: fc.array(level, { maxLength: 10 }), asks: fc.array(level, { maxLength: 10 }), levels: fc.integer({ min: 1, max: 500 }) }) }),
  fc.record({
    method: fc.constant('dom/update' as const),
    params: fc.record({
      market,
      rows: fc.array(fc.record({ price: fc.double({ min: -1e9, max: 1e9, noNaN: true }), bid: amount, ask: amount, traded: amount, tradedLegs: fc.integer({ min: 1, max: 2 ** 16 - 1 }) }, { requiredKeys: ['price', 'bid', 'ask', 'traded'] }), { maxLength: 10 }),
      lastPrice: fc.option(price, { nil: null }),
      tickSize: price,
      multiple: fc.integer({ min: 1, max: 10_000 }),
      multiples: fc.array(fc.integer({ min: 1, max: 10_000 }), { maxLength: 10 }),
    }),
  }),
  fc.record({
    method: fc.constant('panel/connection' as const),
    params: fc.record(
      { status: fc.constantFrom('connecting' as const, 'live' as const, 'reconnecting' as const, 'retrying' as const, 'degraded' as const, 'stopped' as const, 'failed' as const), attempt: fc.nat(), reason: fc.string({ maxLength: 50 }), retryAt: time, lastDataAt: time },
      { requiredKeys: ['status'] },
    ),
  }),
  fc.record({ method: fc.constant('panel/error' as const), params: fc.record({ message: fc.string({ maxLength: 100 }) }) }),
];
const leaf = fc.oneof(...leafMessages);

/** Valid messages, batches nested at most MAX_BATCH_DEPTH deep. */
function hostMessage(depth: number): fc.Arbitrary<HostMessage> {
  if (depth >= MAX_BATCH_DEPTH) return leaf;
  return fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: fc.array(hostMessage(depth + 1), { maxLength: 4 }).map((messages): HostMessage => ({ method: 'panel/batch', params: { messages } })) });
}
const hostMessages = hostMessage(0);

type Path = (string | number)[];
/** Every present value in a message below `params`, with its path. */
function paths(v: unknown, path: Path = []): Path[] {
  const out: Path[] = path.length > 1 ? [path] : [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...path, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...path, k]));
  return out;
}
function get(v: unknown, path: Path): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], v);
}
/** A value of the wrong kind for whatever is at `path`: every field of the protocol rejects it. */
function wrongFor(v: unknown): unknown[] {
  if (typeof v === 'number') return [NaN, Infinity, -Infinity, '1', true];
  if (typeof v === 'string') return [42, null, ['x']];
  if (typeof v === 'boolean') return ['true', 1];
  if (v === null) return ['null', -1];
  if (Array.isArray(v)) return [{}, 'list', null];
  return [[], 'object', null];
}
function withReplaced(message: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(message) as Record<string, unknown>;
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
  return copy;
}
const OPTIONAL = new Set(['attempt', 'reason', 'retryAt', 'lastDataAt', 'history', 'markPrice', 'indexPrice', 'fundingRate', 'nextFundingTime', 'openInterest', 'footprint', 'partial', 'tradedLegs']);
const mutatedHostMessages = hostMessages
  .map((m) => ({ m, ps: paths(m).filter((p) => p[0] === 'params' || p.includes('params')) }))
  .filter(({ ps }) => ps.length > 0)
  .chain(({ m, ps }) =>
    fc.constantFrom(...ps).chain((p) => {
      const at = get(m, p);
      const key = p.at(-1);
      const replace = fc.constantFrom(...wrongFor(at)).map((bad) => withReplaced(m, p, bad));
      // a required field removed (deleting a list element shortens the list: only fixed-size tuples mind)
      const remove = fc.constant(withReplaced(m, p, undefined));
      return typeof key === 'string' && !OPTIONAL.has(key) && key !== 'messages' ? fc.oneof(replace, remove) : replace;
    }),
  );

describe('webview protocol (property-based)', () => {
  it('host → webview: generated valid messages (batches up to the depth bound) are accepted unchanged', () => {
    fuzz(
      fc.property(hostMessages, (m) => {
        const r = parseHostMessage(m);
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.equal(r.message, m);
      }),
    );
  });

  it('host → webview: one value of the wrong kind anywhere, or a required field missing, rejects the message', () => {
    fuzz(
      fc.property(mutatedHostMessages, (m) => {
        const r = parseHostMessage(m);
        assert.equal(r.ok, false, `accepted ${JSON.stringify(m)}`);
        if (!r.ok) assert.match(r.error, /^host message "[a-zA-Z/]+": |^not a \{method, params\} message$/);
      }),
    );
  });

  it('host → webview: a batch nested deeper than the bound is rejected after reading at most the bound', () => {
    fuzz(
      fc.property(leaf, fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 3000 })), (inner, depth) => {
        let m: unknown = inner;
        let reads = 0;
        for (let i = 0; i < depth; i++) m = { method: 'panel/batch', params: new Proxy({ messages: [m] }, { get: (t, k, r) => (k === 'messages' && reads++, Reflect.get(t, k, r)) }) };
        const r = parseHostMessage(m);
        assert.equal(r.ok, depth <= MAX_BATCH_DEPTH);
        assert.ok(reads <= MAX_BATCH_DEPTH, `${reads} envelopes read`);
      }),
      Math.ceil(Number(process.env.FUZZ_RUNS ?? 200) / 4),
    );
  });

  it('host → webview: unpacking never throws, and passes on only messages that validate', () => {
    const junk = fc.oneof(hostile, hostMessages, mutatedHostMessages, fc.array(fc.oneof(hostMessages, mutatedHostMessages, hostile), { maxLength: 5 }).map((messages) => ({ method: 'panel/batch', params: { messages } })));
    fuzz(
      fc.property(junk, (raw) => {
        const errors: string[] = [];
        const out = unpackHostMessages(raw, (e) => errors.push(e));
        for (const m of out) {
          assert.notEqual(m.method, 'panel/batch');
          assert.ok(parseHostMessage(m).ok);
        }
        for (const e of errors) assert.equal(typeof e, 'string');
      }),
      4 * Number(process.env.FUZZ_RUNS ?? 200),
    );
  });

  const kind = fc.constantFrom('chart' as const, 'orderbook' as const, 'dom' as const);
  const webviewMessages = fc.oneof(
    fc.record({
      method: fc.constant('webview/ready'),
      params: fc.record(
        { kind, boot: fc.record({ timeOrigin: fc.nat(), documentLoaded: fc.nat(), scriptFetchStart: fc.nat(), scriptFetched: fc.nat(), scriptBytes: fc.nat(), scriptStart: fc.nat(), ready: fc.nat() }, { requiredKeys: ['timeOrigin', 'scriptStart', 'ready'] }) },
        { requiredKeys: ['kind'] },
      ),
    }),
    fc.record({ method: fc.constant('webview/rendered'), params: fc.record({ kind, items: fc.nat(), times: fc.record({ received: fc.nat(), applied: fc.nat(), painted: fc.nat() }) }, { requiredKeys: ['kind', 'items'] }) }),
    fc.record({ method: fc.constant('webview/log'), params: fc.record({ level: fc.constantFrom('info' as const, 'warn' as const, 'error' as const), message: fc.string({ maxLength: 2000 }) }) }),
    fc.record({ method: fc.constant('chart/setTimeframe'), params: fc.record({ timeframe: fc.string({ maxLength: 8 }) }) }),
    fc.record({ method: fc.constant('chart/setFootprint'), params: fc.record({ on: fc.boolean() }) }),
    fc.record({ method: fc.constant('dom/setMultiple'), params: fc.record({ multiple: fc.integer({ min: 1, max: 10_000 }) }) }),
    fc.record({ method: fc.constant('book/setLevels'), params: fc.record({ levels: fc.integer({ min: 5, max: BOOK_DEPTH }) }) }),
  );

  it('webview → host: generated valid messages are accepted unchanged, wrong values rejected', () => {
    fuzz(fc.property(webviewMessages, (m) => assert.deepEqual(parseWebviewMessage(m), { ok: true, message: { method: m.method, params: { ...m.params } } })));
    const broken = webviewMessages.chain((m) => {
      const [key, value] = Object.entries(m.params)[0]!;
      return fc.constantFrom(...wrongFor(value), undefined).map((bad) => ({ method: m.method, params: { ...m.params, [key]: bad } }));
    });
    fuzz(fc.property(broken, (m) => assert.equal(parseWebviewMessage(m).ok, false, JSON.stringify(m))));
  });

  it('webview → host: nothing throws, and only known methods with valid params pass', () => {
    const raw = fc.oneof(hostile, fc.record({ method: fc.oneof(fc.string(), fc.constantFrom('webview/ready', 'dom/setMultiple', '__proto__', 'constructor', 'toString')), params: hostile }));
    fuzz(
      fc.property(raw, (m) => {
        const r = parseWebviewMessage(m);
        if (r.ok) assert.ok(['webview/ready', 'webview/rendered', 'webview/log', 'chart/setTimeframe', 'chart/setFootprint', 'dom/setMultiple', 'book/setLevels'].includes(r.message.method));
      }),
      4 * Number(process.env.FUZZ_RUNS ?? 200),
    );
  });
});
