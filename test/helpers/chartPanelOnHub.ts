/** The extension's ChartPanel on a plain-Node webview stand-in over a hub, as the integration tests of a chart's page use it. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MarketHub } from '../../src/core/hub/marketHub';
import type { Logger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import { ChartPanel } from '../../src/extension/panels/chartPanel';
import type { ChartState, PanelContext } from '../../src/extension/panels/panelContext';
import { readSettings } from '../../src/extension/settings';
import type { HostMessage } from '../../src/shared/protocol';
import { fakeWebviewPanel, receivedByPage, type FakePanel } from './fakeWebviewPanel';

type Of<M extends HostMessage['method']> = Extract<HostMessage, { method: M }>;

/** The messages of `method` the page has received, oldest first. */
export const received = <M extends HostMessage['method']>(fake: FakePanel, method: M): Array<Of<M>> => receivedByPage(fake.messages).filter((m): m is Of<M> => m.method === method);

/** A chart of `state` on `hub` (the settings as configured now), its page ready; the log's warnings and errors collected. */
export function chartPanelOnHub(hub: MarketHub, state: ChartState): { chart: ChartPanel; fake: FakePanel; warnings: string[] } {
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const settings = readSettings().settings;
  const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine: { hub } as unknown as EngineHost, log, settings: () => settings };
  const fake = fakeWebviewPanel({ keep: true });
  const chart = new ChartPanel(fake.panel, state, ctx);
  fake.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
  return { chart, fake, warnings };
}
