/**
 * Every text the host sends a page that comes from an error, an exchange or a file is shortened to the page's own
 * limit where it is made: over it, the page drops the whole message and keeps showing the old state. Each producer is
 * fed a 50,000-character HTML error page (what an exchange's proxy answers), and its message passes the page's check.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import type { LegBookStatus } from '../../../src/core/aggregate/legBookStates';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { StoreState } from '../../../src/core/record/recordingService';
import { TradeSuiteError } from '../../../src/core/errors';
import type { LiquidationsEvent, Subscription, TradesEvent } from '../../../src/core/hub/requests';
import type { StreamState } from '../../../src/core/types';
import { silentLogger } from '../../../src/core/util/log';
import type { EngineHost } from '../../../src/extension/engineHost';
import { legLabels } from '../../../src/extension/panels/aggregateChartFeed';
import { ConnectionTracker } from '../../../src/extension/panels/connectionTracker';
import { domLegs } from '../../../src/extension/panels/legShares';
import { OlderBarsLoader, type OlderBarsAnswer } from '../../../src/extension/panels/olderBarsLoader';
import type { PanelContext } from '../../../src/extension/panels/panelContext';
import { applyPolled, derivativesWithPolls } from '../../../src/extension/panels/polledDerivatives';
import { toWire } from '../../../src/extension/panels/replayLink';
import { TapePanel } from '../../../src/extension/panels/tapePanel';
import { legNames } from '../../../src/extension/panels/tradeTape';
import { recordingInfo } from '../../../src/extension/recording/recordingStatus';
import { readSettings } from '../../../src/extension/settings';
import { parseHostMessage, parseWebviewMessage, type HostMessage, MAX_PANEL_ERROR_CHARS } from '../../../src/shared/protocol';
import { clip } from '../../../src/shared/util/clip';
import { MAX_ERROR_TEXT_CHARS } from '../../../src/shared/util/shortText';
import { captureLog, type CapturedLog } from '../../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../../helpers/fakeWebviewPanel';

const HTML = `HTTP 502 <html><body>${'<p>Bad gateway</p>'.repeat(2_800)}</body></html>`;

/** The page's own check of one message: passes, or the error naming the field. */
function pageTakes(method: string, params: object): void {
  const parsed = parseHostMessage({ method, params });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
}

/** A shortened text keeps its start and ends with the ellipsis. */
function shortened(text: string | undefined, start: string): void {
  assert.ok(text?.startsWith(start), `starts with ${start}: ${text?.slice(0, 60)}`);
  assert.ok(text?.endsWith('…'), 'ends with …');
}

const market = { exchange: 'bybit', symbol: 'BTC/USDT:USDT' };

describe('texts the host sends a page: shortened to the page’s limits where they are made', () => {
  it('clip keeps a text within the limit whole, shortens a longer one to exactly the limit, never halving a surrogate pair', () => {
    assert.equal(clip('abc', 3), 'abc');
    assert.equal(clip('abcd', 3), 'ab…');
    assert.equal(clip('a😀bc', 3), 'a…', 'the pair before the cut is left out whole');
    assert.equal(clip('😀bcd', 4), '😀b…');
  });

  it('panel/connection: every state of a stream whose reason is an HTML error page, and a long brief', () => {
    const states: StreamState[] = [
      { status: 'reconnecting', attempt: 3, reason: HTML, retryInMs: 1000 },
      { status: 'retrying', attempt: 2, reason: HTML, retryAt: 5_000 },
      { status: 'degraded', reason: HTML, brief: HTML, retryAt: 9_000 },
      { status: 'connecting', reason: HTML, brief: HTML },
      { status: 'failed', reason: HTML },
    ];
    for (const s of states) {
      const info = new ConnectionTracker(() => 1_000).state(s);
      assert.ok(info, s.status);
      pageTakes('panel/connection', info);
      shortened(info.reason, 'HTTP 502 <html>');
      if ('brief' in s) shortened(info.brief, 'HTTP 502');
    }
    const tracker = new ConnectionTracker(() => 1_000);
    tracker.state({ status: 'connecting', reason: HTML });
    assert.equal(tracker.state({ status: 'connecting', reason: HTML }), undefined, 'the same long reason again is no change');
  });

  it('panel/recording: a store error and a store folder of any length in the REC pill’s tooltip', () => {
    const store: StoreState = { status: 'ok', bytes: 1_000 };
    const failed = recordingInfo({ status: 'failed', reason: HTML }, store, 'asked', '/data');
    pageTakes('panel/recording', failed);
    shortened(failed.detail, 'Not recorded: HTTP 502');
    const recording = recordingInfo({ status: 'recording', storedRows: 10 }, store, 'open', `/${'deep/'.repeat(1_000)}`);
    pageTakes('panel/recording', recording);
  });

  it('replay/state: a failed replay’s reason and a skipped hole’s reason', () => {
    const wire = toWire({ id: 'replay:bybit:BTC/USDT:USDT@2026-12-06T10:00:00Z', start: 1, position: 2, speed: 1, status: 'failed', reason: HTML, skipped: { kind: 'trades', from: 1, until: 2, reason: HTML } });
    pageTakes('replay/state', wire);
    shortened(wire.reason, 'HTTP 502');
    shortened(wire.skipped?.reason, 'HTTP 502');
  });

  it('chart/derivatives: the polls’ trouble note', () => {
    const polled = applyPolled({}, { type: 'state', state: { status: 'retrying', attempt: 2, reason: HTML, retryAt: 60_000 } });
    const wire = derivativesWithPolls(100, undefined, polled);
    assert.ok(wire);
    pageTakes('chart/derivatives', wire);
    shortened(wire.note, 'open interest and funding: retrying (2)');
  });

  it('chart/olderBars: a failed page of older bars, its error worded by the exchange', async () => {
    const answers: OlderBarsAnswer[] = [];
    const loader = new OlderBarsLoader(() => Promise.reject(new TradeSuiteError(HTML)), (a) => answers.push(a), silentLogger);
    loader.request(7, 120_000, 10);
    while (answers.length === 0) await new Promise<void>((r) => setImmediate(r));
    pageTakes('chart/olderBars', answers[0]!);
    shortened(answers[0]!.error, 'history unavailable: HTTP 502');
    loader.dispose();
  });

  it('an aggregate’s legs named by their settings (40 characters of exchange, 100 of symbol): chart legend, DOM header, tape column', () => {
    const legs = [
      { exchange: 'e'.repeat(40), symbol: `${'S'.repeat(96)}/USD` },
      { exchange: 'e'.repeat(40), symbol: `${'T'.repeat(96)}/USD` },
    ];
    const def: AggregateDefinition = { name: 'long (agg)', legs, price: { kind: 'vwap' }, usdtIsUsd: false };
    const agg = { exchange: 'aggregate', symbol: 'long (agg)' };
    const chartLegs = legLabels(def);
    pageTakes('chart/snapshot', { market: agg, timeframe: '1m', timeframes: ['1m'], candles: [], options: { emaPeriods: [], showVolume: true }, markers: [], legs: chartLegs });
    shortened(chartLegs[0], `${'e'.repeat(40)} SSS`);
    const statuses: LegBookStatus[] = legs.map((l) => ({ market: l, state: { status: 'live', since: 0 }, current: true, shown: true }));
    pageTakes('dom/update', { market: agg, rows: [], lastPrice: null, tickSize: 0.01, multiple: 1, multiples: [1], legs: domLegs(statuses) });
    const tapeLegs = legNames(legs);
    pageTakes('tape/snapshot', { market: agg, rows: [], stats: { tradesPerMinute: 0, volumePerMinute: 0 }, filter: { minSize: 0, highlightSize: 1 }, maxRows: 10, legs: tapeLegs });
    assert.notEqual(tapeLegs[0], tapeLegs[1], 'the legs stay apart: their symbols differ within the limit');
  });

  describe('a panel (time & sales) on a stand-in hub, its page checked as the real one checks it', () => {
    const perp = (base: string): MarketInfo => ({ symbol: market.symbol, base, quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } });
    let panel: TapePanel | undefined;
    afterEach(() => panel?.panel.dispose());

    function open(base = 'BTC'): { fake: FakePanel; log: CapturedLog; trades: () => ((e: TradesEvent) => void) | undefined; liquidations: () => ((e: LiquidationsEvent) => void) | undefined } {
      const consumers = new Map<string, (e: TradesEvent | LiquidationsEvent) => void>();
      const hub = {
        subscribe: (request: { readonly kind: string }, consumer: (e: TradesEvent | LiquidationsEvent) => void): Subscription => {
          consumers.set(request.kind, consumer);
          return { ready: Promise.resolve(), dispose: () => undefined };
        },
        markets: () => Promise.resolve([perp(base)]),
        onDidRewind: () => ({ dispose: () => undefined }),
      };
      const settings = readSettings().settings;
      const log = captureLog();
      const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..', '..')), engine: { hub } as unknown as EngineHost, log, settings: () => settings };
      const fake = fakeWebviewPanel({ keep: true });
      panel = new TapePanel(fake.panel, { kind: 'tape', ...market }, ctx);
      fake.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
      const consumer = (kind: string) => () => consumers.get(kind);
      return { fake, log, trades: consumer('trades'), liquidations: consumer('liquidations') };
    }

    type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
    const received = <M extends HostMessage['method']>(fake: FakePanel, method: M) => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);

    it('panel/error and panel/errorResolved: a failed stream’s HTML error, once in the banner, resolved as shown, dismissed as shown; its log line says its start and length', async () => {
      const { fake, log, trades } = open();
      await pageUntil('the first snapshot', () => received(fake, 'tape/snapshot').length > 0);
      trades()!({ type: 'state', state: { status: 'failed', reason: HTML } });
      trades()!({ type: 'error', message: HTML });
      await pageUntil('the banner', () => received(fake, 'panel/error').length > 0);
      const errors = received(fake, 'panel/error');
      assert.equal(errors.length, 1, 'the same failure reported as an error too is one banner');
      assert.equal(errors[0]!.params.message.length, MAX_PANEL_ERROR_CHARS);
      shortened(errors[0]!.params.message, 'HTTP 502 <html>');
      shortened(received(fake, 'panel/connection').at(-1)?.params.reason, 'HTTP 502 <html>');
      const logged = log.lines.filter((l) => l.includes('HTTP 502 <html>'));
      assert.ok(logged.length > 0, 'the error is logged');
      for (const line of logged) {
        assert.ok(line.length < MAX_ERROR_TEXT_CHARS + 100, `a log line of ${line.length} characters`);
        // The length of the text it was given (a stream's reason is already shortened to the badge's limit).
        assert.match(line, / \([\d,]{6,} characters\)$/, line.slice(-60));
      }
      assert.ok(parseWebviewMessage({ method: 'panel/dismissError', params: { message: errors[0]!.params.message } }).ok, 'the page can say it dismissed it');
      trades()!({ type: 'state', state: { status: 'live', since: 2 } });
      await pageUntil('resolved', () => received(fake, 'panel/errorResolved').length > 0);
      assert.deepEqual(
        received(fake, 'panel/errorResolved').map((m) => m.params.message),
        errors.map((m) => m.params.message),
        'the very banner it showed is resolved',
      );
      assert.deepEqual(fake.invalid, []);
    });

    it('tape/liquidations: the liquidation stream’s HTML error', async () => {
      const { fake, liquidations } = open();
      await pageUntil('liquidations subscribed', () => liquidations() !== undefined);
      liquidations()!({ type: 'state', state: { status: 'reconnecting', attempt: 4, reason: HTML, retryInMs: 1_000 } });
      await pageUntil('the liquidations line', () => received(fake, 'tape/liquidations').length > 0);
      shortened(received(fake, 'tape/liquidations')[0]!.params.reason, 'HTTP 502 <html>');
      assert.deepEqual(fake.invalid, []);
    });

    it('tape/snapshot: an exchange’s base currency longer than the page takes', async () => {
      const { fake } = open('B'.repeat(100));
      await pageUntil('a snapshot with the base', () => received(fake, 'tape/snapshot').some((m) => m.params.base !== undefined));
      shortened(received(fake, 'tape/snapshot').filter((m) => m.params.base !== undefined).at(-1)?.params.base, 'BBB');
      assert.deepEqual(fake.invalid, []);
    });
  });
});
