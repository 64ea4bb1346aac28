import type * as vscode from 'vscode';
import type { Logger } from '../../core/util/log';
import type { EngineHost } from '../engineHost';
import type { RecordingStatusSource } from '../recording/recordingController';
import type { Settings } from '../settings';
import type { ConnectionStatus, PanelKind } from '../../shared/protocol';
import type { Timeframe } from '../../core/timeframes';
import type { PanelStartup } from './panelHost';
import { marketPlace } from '../../shared/util/replayId';

interface MarketView {
  readonly exchange: string;
  readonly symbol: string;
}
export interface ChartState extends MarketView {
  readonly kind: 'chart';
  readonly timeframe: Timeframe;
  /** The footprint mode (cells, volume profile, CVD and delta panes); absent when off. */
  readonly footprint?: true;
}
export interface OrderBookState extends MarketView {
  readonly kind: 'orderbook';
}
export interface DomState extends MarketView {
  readonly kind: 'dom';
}
export interface TapeState extends MarketView {
  readonly kind: 'tape';
}
export interface HeatmapState extends MarketView {
  readonly kind: 'heatmap';
}
/** What a panel is showing, one shape per kind: also what the serializer persists and restores. */
export type PanelState = ChartState | OrderBookState | DomState | TapeState | HeatmapState;

export interface PanelContext {
  readonly extensionUri: vscode.Uri;
  readonly engine: EngineHost;
  readonly log: Logger;
  readonly settings: () => Settings;
  /** Whether the panel's market is being recorded (the REC pill). */
  readonly recording?: RecordingStatusSource;
  /** The longest a chart's feed waits for its page's first paint (FirstPaintHold); 2 s when not given. */
  readonly paintHoldMs?: number;
  /** A chart's page waits: for the disk cache's read (1.5 s when not given), then, with nothing cached, for the exchange's first bars (0.4 s). */
  readonly pageWaitMs?: { readonly cache: number; readonly firstBars: number };
}

/** The common face of every panel (chart, order book, DOM, time & sales, heatmap), for the registry, status bar and commands. */
export interface TradePanel {
  readonly state: PanelState;
  readonly panel: vscode.WebviewPanel;
  readonly connection: ConnectionStatus;
  readonly connectionHistory: readonly string[];
  readonly rendered: { items: number; at: number } | undefined;
  readonly startup: PanelStartup;
  readonly posted: number;
  /** Tears down the subscription and subscribes again (after Reconnect or an engine restart). */
  resubscribe(): void;
  /**
   * `tradesuite.*` settings changed; `affects(key)` says whether one under `tradesuite.<key>` did. The panel shows
   * them at once: what it draws (a chart's EMAs) or builds (a footprint) follows the settings; a value the user chose
   * in the panel itself (a book's levels, the tape's sizes) stays.
   */
  settingsChanged(affects: (key: string) => boolean): void;
  onDidChange(listener: () => void): vscode.Disposable;
}

export function panelTitle(s: PanelState): string {
  const where = marketPlace(s.exchange);
  switch (s.kind) {
    case 'chart':
      return `${s.symbol} · ${s.timeframe} · ${where}`;
    case 'orderbook':
      return `${s.symbol} · Book · ${where}`;
    case 'dom':
      return `${s.symbol} · DOM · ${where}`;
    case 'tape':
      return `${s.symbol} · Trades · ${where}`;
    case 'heatmap':
      return `${s.symbol} · Heatmap · ${where}`;
  }
}

export const VIEW_TYPES: Record<PanelKind, string> = { chart: 'tradesuite.chart', orderbook: 'tradesuite.orderbook', dom: 'tradesuite.dom', tape: 'tradesuite.tape', heatmap: 'tradesuite.heatmap' };
