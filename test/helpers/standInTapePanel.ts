/** A time & sales panel on a stand-in hub (no engine): the test drives its market's trades and reads what the page got. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SubscribeOptions, Subscription, TradesEvent } from '../../src/core/hub/requests';
import type { EngineHost } from '../../src/extension/engineHost';
import type { PanelContext } from '../../src/extension/panels/panelContext';
import { TapePanel } from '../../src/extension/panels/tapePanel';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { captureLog } from './emulatorHub';
import { fakeWebviewPanel, receivedByPage, type FakePanel } from './fakeWebviewPanel';

export interface StandInTape {
  readonly panel: TapePanel;
  readonly fake: FakePanel;
  /** The tape's trades consumer, once it subscribed. */
  trades(): ((e: TradesEvent) => void) | undefined;
  /** The options it subscribed its trades with. */
  options(): SubscribeOptions | undefined;
}

/** Opens a tape of binance BTC/USDT on a stand-in hub, its page ready (the caller disposes `panel.panel`). */
export function openStandInTape(): StandInTape {
  const consumers = new Map<string, { consumer: (e: TradesEvent) => void; options: SubscribeOptions | undefined }>();
  const hub = {
    subscribe: (request: { readonly kind: string }, consumer: (e: TradesEvent) => void, options?: SubscribeOptions): Subscription => {
      consumers.set(request.kind, { consumer, options });
      return { ready: Promise.resolve(), dispose: () => undefined };
    },
    markets: () => Promise.resolve([]),
    onDidRewind: () => ({ dispose: () => undefined }),
  };
  const settings = readSettings().settings;
  const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub } as unknown as EngineHost, log: captureLog(), settings: () => settings };
  const fake = fakeWebviewPanel({ keep: true });
  const panel = new TapePanel(fake.panel, { kind: 'tape', exchange: 'binance', symbol: 'BTC/USDT' }, ctx);
  fake.fromPage({ method: 'webview/ready', params: { kind: 'tape' } });
  return { panel, fake, trades: () => consumers.get('trades')?.consumer, options: () => consumers.get('trades')?.options };
}

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;

/** The messages of one method the page received, in order. */
export const receivedOf = <M extends HostMessage['method']>(fake: FakePanel, method: M): Array<Of<M>> => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);
