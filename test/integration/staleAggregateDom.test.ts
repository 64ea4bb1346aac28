/**
 * An aggregate's DOM while one leg's exchange is away (real ccxt against the Binance, Coinbase and Bybit emulators, the
 * extension's DomPanel on a plain-Node webview stand-in): opening, it reads connecting until each leg's first book
 * came, never degraded; the leg's book held through the drop is stale, so its levels leave the ladder (the others'
 * stay, live) and the badge says `degraded: 1 leg stale` (its reason, the tooltip, `coinbase BTC/USD stale since
 * HH:MM:SS UTC (…)`, dated at the drop through every attempt); it reads live again only in the post whose ladder holds
 * the leg's fresh book, never beside its frozen one.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AGGREGATE_EXCHANGE } from '../../src/core/aggregate/aggregateDefinition';
import { silentLogger } from '../../src/core/util/log';
import { utcClock } from '../../src/shared/util/utcTime';
import type { EngineHost } from '../../src/extension/engineHost';
import { DomPanel } from '../../src/extension/panels/domPanel';
import type { PanelContext, TradePanel } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import type { ConnectionInfo, HostMessage } from '../../src/shared/protocol';
import { DEFINITION, LEGS, NAME } from '../helpers/aggregateTruth';
import { captureLog } from '../helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';
import { LegsRig } from '../helpers/legsRig';

type Ladder = Extract<HostMessage, { method: 'dom/update' }>['params'];

/** Each post the page got, as the list of messages it carried (a batch's, or the one). */
const posts = (fake: FakePanel, from = 0): ReadonlyArray<readonly HostMessage[]> => (fake.messages.slice(from) as HostMessage[]).map((m) => (m.method === 'panel/batch' ? m.params.messages : [m]));
const badges = (messages: readonly HostMessage[]): ConnectionInfo[] => messages.flatMap((m) => (m.method === 'panel/connection' ? [m.params] : []));
const ladders = (messages: readonly HostMessage[]): Ladder[] => messages.flatMap((m) => (m.method === 'dom/update' ? [m.params] : []));
const lastBadge = (fake: FakePanel) => badges(receivedByPage(fake.messages)).at(-1);
const lastLadder = (fake: FakePanel) => ladders(receivedByPage(fake.messages)).at(-1);
const COINBASE = LEGS.findIndex((l) => l.exchange === 'coinbase');
/** The rows holding some of the Coinbase leg's resting size. */
const coinbaseRows = (l: Ladder) => l.rows.filter((r) => (r.shares?.[COINBASE] ?? 0) > 0).length;

describe("an aggregate's DOM while a leg's exchange is away: that leg's stale book left out and named, live only with its fresh book (real ccxt, emulators)", function () {
  this.timeout(120_000);
  let rig: LegsRig | undefined;
  const panels: TradePanel[] = [];
  after(async () => {
    for (const p of panels.splice(0)) p.panel.dispose();
    await rig?.close();
  });

  it('degraded: <leg> stale since the drop, its levels out of the ladder; live again in the post that holds its fresh book', async () => {
    rig = await LegsRig.start({ seed: 11, tradesPerSecond: 5, historyMinutes: 2 }, captureLog());
    const settings = { ...readSettings().settings, aggregates: [DEFINITION] };
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
    const dom = fakeWebviewPanel({ keep: true });
    panels.push(new DomPanel(dom.panel, { kind: 'dom', exchange: AGGREGATE_EXCHANGE, symbol: NAME }, ctx));
    dom.fromPage({ method: 'webview/ready', params: { kind: 'dom' } });
    await pageUntil('live with every leg in the ladder', () => lastBadge(dom)?.status === 'live' && (lastLadder(dom)?.legs ?? []).every((l) => l.status === 'live') && coinbaseRows(lastLadder(dom)!) > 0, 30_000);
    const opening = badges(receivedByPage(dom.messages));
    assert.ok(opening.every((b) => b.status === 'connecting' || b.status === 'live'), `opening is not degradation: ${JSON.stringify(opening)}`);

    const mark = dom.messages.length;
    const before = Date.now();
    await rig.emulator('coinbase').stop();
    const after = Date.now();
    try {
      await pageUntil('the Coinbase leg stale', () => lastLadder(dom)?.legs?.[COINBASE]?.status === 'stale' && lastBadge(dom)?.status === 'degraded', 30_000);
      const since = lastLadder(dom)!.legs![COINBASE]!.staleSince!;
      assert.ok(since >= before && since <= after + 1_000, `stale since the drop (${since}, stopped within ${before}..${after})`);
      assert.equal(lastBadge(dom)!.reason?.startsWith(`coinbase BTC/USD stale since ${utcClock(since, Date.now())} UTC (`), true, `the badge's reason names the leg and since when: ${lastBadge(dom)!.reason}`);
      assert.equal(lastBadge(dom)!.brief, '1 leg stale', 'the badge says it in words that fit');
      // The others stay live in the ladder meanwhile, the stale leg out of it.
      const stale = dom.messages.length;
      await pageUntil('ladders drawn from the other legs meanwhile', () => ladders(receivedByPage(dom.messages.slice(stale))).length >= 3, 30_000);
      await pageUntil('a second attempt', () => /stale since .* UTC \(reconnecting \([2-9]/.test(lastBadge(dom)?.reason ?? ''), 30_000);
      const attempts = badges(receivedByPage(dom.messages.slice(mark))).filter((b) => b.status === 'degraded');
      assert.equal(new Set(attempts.map((b) => /stale since (\S+)/.exec(b.reason ?? '')?.[1])).size, 1, `one time through every attempt: ${JSON.stringify(attempts)}`);
    } finally {
      await rig.emulator('coinbase').restart();
    }
    await pageUntil('live again', () => lastBadge(dom)?.status === 'live', 60_000);

    const sent = posts(dom, mark);
    const liveAt = sent.findIndex((p) => badges(p).some((b) => b.status === 'live'));
    const whileStale = sent.slice(0, liveAt).flatMap(ladders).filter((l) => l.legs?.[COINBASE]?.status !== 'live');
    assert.ok(whileStale.length >= 3, `${whileStale.length} ladders while the leg was stale`);
    for (const l of whileStale) {
      assert.equal(coinbaseRows(l), 0, `a ladder with the frozen leg's levels among the live ones (legs ${JSON.stringify(l.legs)})`);
      assert.ok(l.rows.some((r) => (r.shares?.[0] ?? 0) > 0), "the other legs' books stay");
    }
    assert.ok(sent.slice(0, liveAt).flatMap(badges).every((b) => b.status !== 'live'), 'not live before the fresh book');
    const post = sent[liveAt]!;
    const ladder = ladders(post).at(-1);
    assert.ok(ladder, `the live badge came without its ladder (${post.map((m) => m.method).join(', ')})`);
    assert.deepEqual(ladder.legs?.map((l) => l.status), LEGS.map(() => 'live'), 'every leg current');
    assert.ok(coinbaseRows(ladder) > 0, "the Coinbase leg's fresh book is on the ladder");
  });
});
