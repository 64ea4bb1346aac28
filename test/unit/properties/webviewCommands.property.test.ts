/**
 * Every message a page may send the host (WEBVIEW_COMMANDS, all of them), attacked field by field: a value of any
 * other kind, a number that breaks naive checks (NaN, ±Infinity, -0, 1e300, beyond 2^53), a huge string or list, an
 * object with prototype keys, or the field missing. Each is refused naming the method and the field, or, when it is
 * accepted, it is a value the host can use: every number a page gets through is a safe integer's magnitude at most,
 * and every time a valid Date (the host formats them: `new Date(1e300).toISOString()` throws).
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseWebviewMessage, type WebviewMessage } from '../../../src/shared/protocol';
import { BOOK_DEPTH } from '../../../src/shared/util/bookDepth';
import { fuzz, hostileNumber } from '../../helpers/fuzz';

const LATEST_DATE_MS = 8.64e15;
const kind = fc.constantFrom('chart' as const, 'orderbook' as const, 'dom' as const, 'tape' as const, 'heatmap' as const);
const time = fc.integer({ min: 0, max: 4e12 });
const boot = fc.record({ timeOrigin: time, documentLoaded: time, scriptFetchStart: time, scriptFetched: time, scriptBytes: fc.nat(), scriptStart: time, ready: time }, { requiredKeys: ['timeOrigin', 'scriptStart', 'ready'] });

/** One generator per method: the type fails to compile when a method is added without one. */
const byMethod: { readonly [M in WebviewMessage['method']]: fc.Arbitrary<{ method: M; params: Record<string, unknown> }> } = {
  'webview/ready': fc.record({ method: fc.constant('webview/ready' as const), params: fc.record({ kind, boot, early: fc.integer({ min: 1, max: 1e6 }) }, { requiredKeys: ['kind'] }) }),
  'webview/rendered': fc.record({ method: fc.constant('webview/rendered' as const), params: fc.record({ kind, items: fc.nat(), times: fc.record({ received: time, applied: time, painted: time, previewPainted: time }, { requiredKeys: ['received', 'applied', 'painted'] }) }, { requiredKeys: ['kind', 'items'] }) }),
  'webview/script': fc.record({ method: fc.constant('webview/script' as const), params: fc.record({ kind }) }),
  'webview/log': fc.record({ method: fc.constant('webview/log' as const), params: fc.record({ level: fc.constantFrom('info', 'warn', 'error'), message: fc.string({ maxLength: 2000 }) }) }),
  'panel/dismissError': fc.record({ method: fc.constant('panel/dismissError' as const), params: fc.record({ message: fc.string({ maxLength: 5000 }) }) }),
  'chart/setTimeframe': fc.record({ method: fc.constant('chart/setTimeframe' as const), params: fc.record({ timeframe: fc.string({ maxLength: 8 }) }) }),
  'chart/setFootprint': fc.record({ method: fc.constant('chart/setFootprint' as const), params: fc.record({ on: fc.boolean() }) }),
  'chart/setVolumeProfile': fc.record({ method: fc.constant('chart/setVolumeProfile' as const), params: fc.record({ mode: fc.constantFrom('visible', 'session') }) }),
  'chart/loadOlderBars': fc.record({ method: fc.constant('chart/loadOlderBars' as const), params: fc.record({ requestId: fc.nat(), before: time, count: fc.integer({ min: 1, max: 5000 }) }) }),
  'dom/setMultiple': fc.record({ method: fc.constant('dom/setMultiple' as const), params: fc.record({ multiple: fc.integer({ min: 1, max: 10_000 }) }) }),
  'book/setLevels': fc.record({ method: fc.constant('book/setLevels' as const), params: fc.record({ levels: fc.integer({ min: 5, max: BOOK_DEPTH }) }) }),
  'tape/setFilter': fc.record({ method: fc.constant('tape/setFilter' as const), params: fc.record({ minSize: fc.double({ min: 0, max: 1e12, noNaN: true }), highlightSize: fc.double({ min: 0, max: 1e12, noNaN: true }) }) }),
  'replay/control': fc.record({ method: fc.constant('replay/control' as const), params: fc.record({ action: fc.constantFrom('play', 'pause', 'step', 'seek'), speed: fc.double({ min: 1, max: 100, noNaN: true }), by: fc.integer({ min: -604_800_000, max: 604_800_000 }) }, { requiredKeys: ['action'] }) }),
};
const METHODS = Object.keys(byMethod) as Array<WebviewMessage['method']>;
const valid = fc.oneof(...METHODS.map((m) => byMethod[m] as fc.Arbitrary<{ method: string; params: Record<string, unknown> }>));

/** The fields holding epoch ms, by path below params. */
const TIME_PATHS = new Set(['before', ...['timeOrigin', 'documentLoaded', 'scriptFetchStart', 'scriptFetched', 'scriptStart', 'ready'].map((k) => `boot.${k}`), ...['received', 'applied', 'painted', 'previewPainted'].map((k) => `times.${k}`)]);

type Path = string[];
function leaves(v: unknown, path: Path = []): Path[] {
  if (typeof v !== 'object' || v === null) return [path];
  return [...(path.length > 0 ? [path] : []), ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))];
}
function replaced(params: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(params);
  let at: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}
function numbersIn(v: unknown, path: Path = []): Array<{ path: string; n: number }> {
  if (typeof v === 'number') return [{ path: path.join('.'), n: v }];
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => numbersIn(x, [...path, k]));
}

const hostileValue = fc.oneof(
  hostileNumber,
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e16, -1e16, '1', '', true, null, [], {}, JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 1}') as unknown),
  fc.constant('x'.repeat(100_000)),
  fc.constant(Array.from({ length: 100_000 }, () => 1)),
  fc.constant(undefined),
);
const attacked = valid.chain((m) => fc.tuple(fc.constant(m), fc.constantFrom(...leaves(m.params)), hostileValue).map(([msg, path, bad]) => ({ method: msg.method, params: replaced(msg.params, path, bad), path: path.join('.') })));

describe('webview → host: every command attacked field by field (property-based)', () => {
  it('generated valid messages of every method are accepted as sent', () => {
    fuzz(
      fc.property(valid, (generated) => {
        const m = JSON.parse(JSON.stringify(generated)) as unknown; // as a page posts it: plain objects
        assert.deepEqual(parseWebviewMessage(m), { ok: true, message: m });
      }),
    );
  });

  it('a hostile value in any field is refused naming the method and field, or is a number the host can use', () => {
    fuzz(
      fc.property(attacked, ({ method, params, path }) => {
        const r = parseWebviewMessage({ method, params });
        if (!r.ok) {
          assert.ok(r.error.startsWith(`${method}: `), r.error);
          assert.ok(r.error.includes(`params.${path.split('.')[0]!}`), `${r.error} names params.${path}`);
          return;
        }
        for (const { path: at, n } of numbersIn(r.message.params)) {
          assert.ok(Math.abs(n) <= Number.MAX_SAFE_INTEGER, `${method} accepted ${at} = ${n}`);
          if (TIME_PATHS.has(at)) assert.ok(Math.abs(n) <= LATEST_DATE_MS, `${method} accepted the time ${at} = ${n}, which no Date holds`);
        }
        assert.equal(Object.getPrototypeOf(r.message.params), Object.prototype, 'params are a plain object');
        assert.equal((r.message.params as { polluted?: unknown }).polluted, undefined);
      }),
      4 * Number(process.env.FUZZ_RUNS ?? 200),
    );
  });

  it('the time a page asks older bars before is at most the latest Date (the host names it in its log)', () => {
    const r = parseWebviewMessage({ method: 'chart/loadOlderBars', params: { requestId: 1, before: 1e300, count: 10 } });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /^chart\/loadOlderBars: .*\(params\.before: expected a number ≥ 0 ≤ 8640000000000000, got 1e\+300\)$/);
  });
});
