/** A panel's hold on a replay: subscriptions only once it is open, its state forwarded, its controls applied, all released on dispose. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClientLookup } from '../../../src/core/hub/validateRequest';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import type { TradeRow } from '../../../src/core/record/recordTypes';
import { ReplayRegistry } from '../../../src/core/replay/replayRegistry';
import { parquetSource } from '../../../src/core/record/recordSource';
import { ReplayLink } from '../../../src/extension/panels/replayLink';
import { toMove } from '../../../src/extension/panels/replayMoves';
import { parseState } from '../../../src/extension/panels/panelState';
import { formatBytes } from '../../../src/extension/formatBytes';
import type { ReplayStateWire } from '../../../src/shared/protocol';
import { ReplayState } from '../../../src/shared/protocol';
import { connectionBadge } from '../../../src/webviews/shared/connection';
import { replayBadge, replayCanMove, replayClock, replayStatusText } from '../../../src/webviews/shared/replayModel';

const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const START = Date.parse('2026-11-29T14:00:00Z');
const ID = 'replay:binance:BTC/USDT@2026-11-29T14:00';
const noLive: ClientLookup = { ids: () => ['binance'], has: () => false, get: () => Promise.reject(new Error('no live exchange')) };

describe('ReplayLink (a panel on a replay)', () => {
  let root: string;
  let replays: ReplayRegistry;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-replay-link-'));
    const store = new ParquetStore(root);
    const rows: TradeRow[] = [];
    for (let i = 0; i < 30; i++) rows.push({ ts: START + i * 10_000, id: String(i), price: 100 + i, amount: 1, side: 'buy', received: START + i * 10_000 });
    await store.write({ kind: 'trades', market: MARKET, rows });
    await store.close();
    replays = new ReplayRegistry(noLive, { source: () => parquetSource(root) });
  });
  afterEach(async () => {
    await replays.closeAll();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('subscribes once the replay is open, forwards its state, applies the controls, and releases the replay on dispose', async () => {
    const states: ReplayStateWire[] = [];
    const waiters: Array<{ pred: (s: ReplayStateWire) => boolean; resolve: () => void }> = [];
    const until = (pred: (s: ReplayStateWire) => boolean) => (states.some(pred) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pred, resolve })));
    const errors: string[] = [];
    let subscribed = 0;
    let released = 0;
    const link = new ReplayLink({
      replays,
      id: ID,
      subscribe: () => {
        subscribed++;
        assert.ok(replays.has(ID), 'the replay is a market of the hub before the panel subscribes');
        return [{ ready: Promise.resolve(), dispose: () => released++ }];
      },
      onState: (s) => {
        states.push(s);
        for (const w of [...waiters]) if (w.pred(s)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
      },
      onError: (m) => errors.push(m),
    });
    await link.ready;
    assert.equal(subscribed, 1);
    assert.deepEqual(states.at(-1), { status: 'paused', start: START, position: START - 1, speed: 1 });
    await link.apply([toMove({ action: 'step' })]);
    await until((s) => s.position === START);
    await link.apply([toMove({ action: 'seek', by: 60_000 })]);
    await until((s) => s.position === START + 60_000);
    await link.apply([toMove({ action: 'play', speed: 100 })]);
    assert.equal(link.state?.status, 'playing');
    assert.equal(link.state?.speed, 100);
    await link.apply([toMove({ action: 'pause' })]);
    assert.equal(link.state?.status, 'paused');
    await link.apply([{ action: 'step', count: 2 }, { action: 'seek', by: -30_000 }, { action: 'play', speed: 500 }, { action: 'step', count: 1 }]);
    // A seek back stands just before the time it went to.
    assert.equal(link.state?.position, START + 80_000 - 30_000 - 1, 'in order: two trades on (every 10 s), then 30 s back');
    assert.match(errors.join('\n'), /speed must be 1–100×, got 500/, 'a refused control is the panel error');
    assert.equal(link.state?.position, START + 50_000 - 1, 'and the moves after it are not applied');
    link.dispose();
    assert.equal(released, 1, "the panel's subscriptions are released");
    assert.equal(replays.has(ID), false, 'the last hold closed the replay');
  });

  it('a panel closed while the replay opens leaves nothing open; a bad id fails its ready with the reason', async () => {
    let subscribed = 0;
    const link = new ReplayLink({ replays, id: ID, subscribe: () => (subscribed++, []), onState: () => undefined, onError: () => undefined });
    link.dispose();
    await link.ready;
    assert.equal(subscribed, 0);
    assert.equal(replays.has(ID), false);
    const bad = new ReplayLink({ replays, id: 'replay:binance:BTC/USDT@2026-11-30T00:00', subscribe: () => [], onState: () => undefined, onError: () => undefined });
    await assert.rejects(bad.ready, /Nothing is recorded for replay:binance:BTC\/USDT@2026-11-30T00:00/);
    bad.dispose();
  });

  it('a restored panel may name a replay (ids are longer than exchange ids); the bar says what the replay does', () => {
    const id = 'replay:bybit:BTC/USDT:USDT@2026-11-29T14:00:01.500';
    assert.deepEqual(parseState({ panel: { exchange: id, symbol: 'BTC/USDT:USDT', timeframe: '1m' } }, 'chart'), { kind: 'chart', exchange: id, symbol: 'BTC/USDT:USDT', timeframe: '1m' });
    const s: ReplayStateWire = { status: 'playing', start: START, position: START + 200_000, speed: 25 };
    assert.equal(replayStatusText(s), 'REPLAY · playing 25×');
    assert.equal(replayStatusText({ ...s, status: 'failed', reason: 'the recording could not be read' }), 'REPLAY · failed: the recording could not be read');
    // Playback jumped over a long hole (TradeSuite closed for days): the bar names it, with how long it was.
    const skipped = { kind: 'trades' as const, from: START, until: START + 2 * 86_400_000 + 3 * 3_600_000 + 20_000, reason: 'not recording (TradeSuite closed)' };
    assert.equal(replayStatusText({ ...s, skipped }), 'REPLAY · playing 25× · skipped 2 d 3 h: not recording (TradeSuite closed)');
    assert.equal(replayStatusText({ ...s, status: 'paused', skipped: { ...skipped, until: START + 7 * 60_000 } }), 'REPLAY · paused · skipped 7 min: not recording (TradeSuite closed)');
    assert.equal(ReplayState.check({ ...s, skipped }, 'params'), undefined, 'the wire carries it');
    assert.equal(ReplayState.check({ ...s, skipped: { ...skipped, reason: 3 } }, 'params'), 'params.skipped.reason: expected a string of at most 2000 characters, got 3');
    assert.equal(replayClock(s.position), '2026-11-29 14:03:20 UTC');
    assert.equal(replayCanMove(s), true);
    assert.equal(replayCanMove({ ...s, status: 'ended' }), false);
    assert.equal(replayStatusText({ ...s, status: 'ended' }), 'REPLAY · end of the recording', 'said once (it read "ended (end of the recording)")');
    // A paused replay is quiet, not stale: the badge says "replay" and the data is not dimmed; trouble still shows.
    assert.deepEqual(replayBadge(connectionBadge({ status: 'live' }, 0, 60_000)), { text: 'replay', tone: 'ok', state: 'live', stale: false, word: 'replay' });
    assert.equal(connectionBadge({ status: 'live' }, 0, 60_000).text, 'live · quiet 60s', 'a live market quiet for a minute says so');
    assert.equal(replayBadge(connectionBadge({ status: 'failed', reason: 'x' }, 0, 1)).tone, 'error');
    assert.deepEqual([0, 999, 1000, 12_345_678, 2.5e9].map(formatBytes), ['0 B', '999 B', '1.0 kB', '12 MB', '2.5 GB']);
  });
});

