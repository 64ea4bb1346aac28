/**
 * A replay page sending its toolbar controls in a loop (hostile or broken): each step or seek queued a read of the
 * recording, without bound. Now the host reads at most once per interval and one read at a time, every step still
 * counted and every seek summed; malformed controls are dropped naming the field; the replay keeps serving its page.
 * The extension's TapePanel on a plain-Node webview stand-in, the real hub and a real recording.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Trade } from '../../src/core/types';
import type { Logger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { fakeWebviewPanel, pageUntil, receivedByPage, type FakePanel } from '../helpers/fakeWebviewPanel';
import { RecordedReplay } from '../helpers/recordedReplay';

const ETH = { exchange: 'binance', symbol: 'ETH/USDT' } as const;
const START = Date.parse('2026-11-28T10:00:00Z');
/** A trade every 2 s for an hour from the start. */
const trades: Trade[] = Array.from({ length: 1800 }, (_, i) => ({ id: String(i + 1), timestamp: START + i * 2000, price: 3000 + (i % 10), amount: 0.1, side: i % 2 ? 'buy' : 'sell' }));

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;
const states = (fake: FakePanel) => receivedByPage(fake.messages).filter((m): m is Of<'replay/state'> => m.method === 'replay/state');

describe('a replay page flooding the host with its controls (real recording)', function () {
  this.timeout(60_000);
  let replay: RecordedReplay | undefined;
  let tape: TapePanel | undefined;
  afterEach(async () => {
    tape?.panel.dispose();
    tape = undefined;
    await replay?.close();
    replay = undefined;
  });

  it('1,000 steps then 50 seeks at once: at most two reads each, every step and seek counted; bad controls dropped and named', async () => {
    replay = await RecordedReplay.start(ETH, trades, START, 300);
    const { hub, replays, id, session } = replay;
    const lines: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const settings = readSettings().settings;
    const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub, replays } as unknown as EngineHost, log, settings: () => settings };
    const fake = fakeWebviewPanel({ keep: true });
    tape = new TapePanel(fake.panel, { kind: 'tape', ...ETH, exchange: id }, ctx);
    fake.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
    await pageUntil('the replay state', () => states(fake).length > 0);
    const reads = { step: 0, seek: 0 };
    const step = session.step.bind(session);
    const seek = session.seek.bind(session);
    session.step = (count?: number) => (reads.step++, step(count));
    session.seek = (to: number) => (reads.seek++, seek(to));

    for (let i = 0; i < 1000; i++) fake.fromPage({ method: 'replay/control', params: { action: 'step' } });
    fake.fromPage({ method: 'replay/control', params: { action: 'rewind' } });
    fake.fromPage({ method: 'replay/control', params: { action: 'seek', by: 1e300 } });
    fake.fromPage({ method: 'replay/control', params: { action: 'play', speed: 1000 } });
    // The 1,000th trade from the start.
    const stepped = START + 999 * 2000;
    await pageUntil('the replay stepped 1,000 trades on', () => states(fake).at(-1)?.params.position === stepped);
    assert.equal(reads.step, 2, 'one step at once, then one of the other 999');
    assert.equal(session.now(), stepped);

    for (let i = 0; i < 50; i++) fake.fromPage({ method: 'replay/control', params: { action: 'seek', by: -10_000 } });
    const back = stepped - 50 * 10_000;
    await pageUntil('the replay 500 s back', () => states(fake).at(-1)?.params.position === back - 1);
    // At once if the interval since the last step has passed, else all 50 summed into one.
    assert.ok(reads.seek >= 1 && reads.seek <= 2, `${reads.seek} seeks read for 50 asks`);

    const named = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `a line matches ${String(re)}:\n${lines.join('\n')}`);
    named(/dropped a message: replay\/control: .*params\.action/);
    named(/dropped a message: replay\/control: .*params\.by/);
    named(/dropped a message: replay\/control: .*params\.speed/);
    named(/its page sent replay\/control \d+ times more than once per 250 ms/);
    assert.equal(session.state().status, 'paused', 'the bad play was not applied');
  });
});
