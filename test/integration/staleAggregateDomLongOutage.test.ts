/**
 * An aggregate's DOM after a long outage of one leg's exchange (real ccxt against the emulators, Bybit's server
 * stopped for seven and more attempts, then listening again, as the aggregate e2e does): once that leg's stream is
 * live again with its fresh book, the leg reads live and so does the badge; the leg does not stay at its last
 * `reconnecting` attempt.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AGGREGATE_EXCHANGE } from '../../src/core/aggregate/aggregateDefinition';
import { silentLogger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import type { Subscription } from '../../src/core/hub/requests';
import { DomPanel } from '../../src/extension/panels/domPanel';
import type { PanelContext, TradePanel } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import type { ConnectionInfo, HostMessage } from '../../src/shared/protocol';
import { DEFINITION, LEGS, NAME } from '../helpers/aggregateTruth';
import { captureLog } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';
import { LegsRig, type LegsBackoff } from '../helpers/legsRig';

type Ladder = Extract<HostMessage, { method: 'dom/update' }>['params'];

const badges = (messages: readonly HostMessage[]): ConnectionInfo[] => messages.flatMap((m) => (m.method === 'panel/connection' ? [m.params] : []));
const ladders = (messages: readonly HostMessage[]): Ladder[] => messages.flatMap((m) => (m.method === 'dom/update' ? [m.params] : []));
const lastBadge = (fake: FakePanel) => badges(receivedByPage(fake.messages)).at(-1);
const lastLadder = (fake: FakePanel) => ladders(receivedByPage(fake.messages)).at(-1);
const BYBIT = LEGS.findIndex((l) => l.exchange === 'bybit');

/**
 * Backoffs long enough that the server is back while the book's stream still waits out its 7th. The e2e's own
 * (`TS_LEGS_BACKOFF=production`: 500 ms doubling to 30 s) makes this test take 40 to 75 s, over the suite's budget
 * for one test; these take about 15 s.
 */
const OUTAGE_BACKOFF: LegsBackoff = process.env.TS_LEGS_BACKOFF === 'production' ? 'production' : { baseMs: 200, maxMs: 4_000, factor: 2, jitter: 0.5 };

describe("an aggregate's DOM after a long outage of a leg's exchange: live again with that leg's fresh book (real ccxt, emulators)", function () {
  this.timeout(240_000);
  let rig: LegsRig | undefined;
  const panels: TradePanel[] = [];
  const subscriptions: Subscription[] = [];
  after(async () => {
    for (const s of subscriptions.splice(0)) s.dispose();
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
  });

  it("Bybit's server away for 7+ attempts, then back: its leg reads live, not its last reconnecting attempt", async () => {
    const log = captureLog();
    rig = await LegsRig.start({ seed: 12, tradesPerSecond: 5, historyMinutes: 2 }, log, true, OUTAGE_BACKOFF);
    const settings = { ...readSettings().settings, aggregates: [DEFINITION] };
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const dom = fakeWebviewPanel({ keep: true });
    panels.push(new DomPanel(dom.panel, { kind: 'dom', exchange: AGGREGATE_EXCHANGE, symbol: NAME }, ctx));
    dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
    // As in the e2e: Bybit's ticker and liquidations share the book's socket, and reconnect on their own backoffs.
    subscriptions.push(rig.hub.subscribe({ kind: 'ticker', exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, () => undefined), rig.hub.subscribe({ kind: 'liquidations', exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, () => undefined));
    await pageUntil('live with every leg in the ladder', () => lastBadge(dom)?.status === 'live' && (lastLadder(dom)?.legs ?? []).every((l) => l.status === 'live'), 30_000);

    await rig.emulator('bybit').stop();
    try {
      // Back while the book's stream waits out its 7th attempt's backoff (many seconds): the others reconnect first.
      await log.line(/\[orderbook bybit BTC\/USDT:USDT\] attempt 7 failed/, 60_000);
      await pageUntil('the Bybit leg stale at its 7th attempt', () => lastLadder(dom)?.legs?.[BYBIT]?.status === 'stale' && /reconnecting \(7/.test(lastLadder(dom)?.legs?.[BYBIT]?.reason ?? ''), 10_000);
    } finally {
      await rig.emulator('bybit').restart();
    }
    await log.line(/\[orderbook bybit BTC\/USDT:USDT\] reconnected after 7 failed attempt/, 60_000);
    await pageUntil('live again', () => lastBadge(dom)?.status === 'live' && (lastLadder(dom)?.legs ?? []).every((l) => l.status === 'live'), 30_000).catch((err: unknown) => {
      assert.fail(`${String(err)}; the legs: ${JSON.stringify(lastLadder(dom)?.legs)}; the badge: ${JSON.stringify(lastBadge(dom))}`);
    });
  });
});
