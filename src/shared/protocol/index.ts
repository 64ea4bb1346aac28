/**
 * The host↔webview protocol: every panel's messages (declared in chart.ts, orderbook.ts, dom.ts, tape.ts, heatmap.ts and shared.ts)
 * gathered into the two directions, and the validators each side applies to what it receives: a webview is
 * untrusted input to the host, and the host's messages are checked before a webview acts on them.
 */
import { ChartCandles, ChartDerivatives, ChartLanes, ChartFootprint, ChartFootprintBars, ChartFootprintLoading, ChartLoadOlderBars, ChartSetFootprint, ChartSetTimeframe, ChartSetVolumeProfile, ChartSnapshot, ChartVolumeProfile } from './chart';
import { DomSetMultiple, DomUpdate } from './dom';
import { HeatmapColumns, HeatmapOlder, HeatmapSnapshot, HeatmapTradesMissing } from './heatmap';
import type { IpcMessage, MessageOf } from './ipc';
import { BookSetLevels, BookUpdate } from './orderbook';
import { PanelConnection, PanelDismissError, PanelError, PanelErrorResolved, PanelHidden, PanelRecording, PanelShown, WebviewLog, WebviewReady, WebviewRendered, WebviewScript } from './shared';
import { TapeCatchingUp, TapeLiquidations, TapeMissing, TapeRows, TapeSetFilter, TapeSnapshot } from './tape';
import { ReplayControl, ReplayState } from './replay';
import { shown } from './wireCheck';

export type { CandleWire, ChartOptionsWire, DeltaWire, DerivativesWire, FlowWire, LaneWire, FootprintBarWire, FootprintLoadingWire, FootprintCellWire, HistoryNote, MarkerWire, VolumeProfileMode } from './chart';
export type { DomLegWire, DomRowWire, SpreadBeyondRowsWire } from './dom';
export type { HeatmapColumnWire } from './heatmap';
export type { LevelWire } from './orderbook';
export type { TapeFilterWire, TapeLateOlderWire, TapeLiquidationsWire, TapeMissingWire, TapeRowWire, TapeStatsWire } from './tape';
export type { ConnectionInfo, ConnectionStatus, MarketRef, PageBoot, PaintTimes, PanelKind, RecordingInfo, RecordingStatusWire, TradesMissingWire } from './shared';
export type { ReplayAction, ReplayStateWire, ReplayStatus } from './replay';
export { ChartCandles, ChartDerivatives, ChartLanes, ChartFootprint, ChartFootprintBars, ChartFootprintLoading, ChartLoadOlderBars, ChartSetFootprint, ChartSetTimeframe, ChartSetVolumeProfile, ChartSnapshot, ChartVolumeProfile, MAX_DERIVATIVES_NOTE_CHARS, MAX_MARKER_TEXT_CHARS, MAX_OLDER_BARS_ERROR_CHARS, VOLUME_PROFILE_MODES } from './chart';
export { DomSetMultiple, DomUpdate, MAX_LEG_REASON_CHARS } from './dom';
export { HeatmapColumns, HeatmapOlder, HeatmapSnapshot, HeatmapTradesMissing } from './heatmap';
export { BookSetLevels, BookUpdate } from './orderbook';
export {
  MAX_CONNECTION_BRIEF_CHARS,
  MAX_CONNECTION_REASON_CHARS,
  MAX_LEG_LABEL_CHARS,
  MAX_MARKET_NAME_CHARS,
  MAX_PANEL_ERROR_CHARS,
  MAX_RECORDING_DETAIL_CHARS,
  MAX_RECORDING_TEXT_CHARS,
  MAX_TRADES_MISSING,
  PanelConnection, PanelDismissError, PanelError, PanelErrorResolved, PanelHidden, PanelRecording, PanelShown, WebviewLog, WebviewReady, WebviewRendered, WebviewScript } from './shared';
export { isLateRow, isLiquidationRow, MAX_BASE_CHARS, MAX_LIQUIDATIONS_REASON_CHARS, MAX_MISSING_REASON_CHARS, MAX_TAPE_LATE_OLDER, MAX_TAPE_MISSING, TapeCatchingUp, TapeLiquidations, TapeMissing, TapeRows, TapeSetFilter, TapeSnapshot } from './tape';
export { MAX_REPLAY_REASON_CHARS, ReplayControl, ReplayState } from './replay';

const HOST_NOTIFICATIONS = [ChartSnapshot, ChartCandles, ChartDerivatives, ChartLanes, ChartFootprint, ChartFootprintBars, ChartFootprintLoading, ChartVolumeProfile, ChartLoadOlderBars.response, BookUpdate, DomUpdate, TapeSnapshot, TapeRows, TapeLiquidations, TapeMissing, TapeCatchingUp, HeatmapSnapshot, HeatmapColumns, HeatmapOlder, HeatmapTradesMissing, PanelConnection, PanelError, PanelErrorResolved, PanelHidden, PanelShown, PanelRecording, ReplayState] as const;
const WEBVIEW_COMMANDS = [WebviewReady, WebviewRendered, WebviewScript, WebviewLog, PanelDismissError, ChartSetTimeframe, ChartSetFootprint, ChartSetVolumeProfile, ChartLoadOlderBars, DomSetMultiple, BookSetLevels, TapeSetFilter, ReplayControl] as const;

/** Everything the host had for one frame, in order: at most one postMessage per panel per frame. */
export type PanelBatch = IpcMessage<'panel/batch', { readonly messages: readonly HostMessage[] }>;

/** Host → webview. */
export type HostMessage = MessageOf<(typeof HOST_NOTIFICATIONS)[number]> | PanelBatch;
/** Webview → host. */
export type WebviewMessage = MessageOf<(typeof WEBVIEW_COMMANDS)[number]>;

export type WebviewMethod = WebviewMessage['method'];
export type HostMethod = HostMessage['method'];

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const byMethod = <D extends { readonly method: string }>(list: readonly D[]): ReadonlyMap<string, D> => new Map(list.map((d) => [d.method, d]));
const hostTypes = byMethod<(typeof HOST_NOTIFICATIONS)[number]>(HOST_NOTIFICATIONS);
const webviewTypes = byMethod<(typeof WEBVIEW_COMMANDS)[number]>(WEBVIEW_COMMANDS);

/**
 * Validates a message from a webview; anything unknown or malformed is an error naming what is wrong. The message
 * returned holds only the declared fields of its params.
 */
export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> {
  if (!isRecord(raw) || typeof raw.method !== 'string' || raw.method.length > 200) return { ok: false, error: 'not a {method, params} message' };
  const type = webviewTypes.get(raw.method);
  if (!type) return { ok: false, error: `unknown method ${JSON.stringify(raw.method)}` };
  const params = isRecord(raw.params) ? raw.params : {};
  const error = type.check(params, 'params');
  if (error !== undefined) return { ok: false, error: `${type.method}: ${type.rule} (${error})` };
  const kept: Record<string, unknown> = {};
  for (const field of type.fields) if (Object.prototype.hasOwnProperty.call(params, field)) kept[field] = params[field];
  return { ok: true, message: { method: type.method, params: kept } as WebviewMessage };
}

/** `panel/batch` envelopes nest at most this deep; a deeper one is rejected, never recursed into. */
export const MAX_BATCH_DEPTH = 4;

/**
 * Validates a message from the host, every field deeply: a webview acts only on values of the right type and
 * range (prices > 0, amounts ≥ 0, known statuses, candle times ascending in a snapshot). `panel/batch` nests at
 * most MAX_BATCH_DEPTH deep (`depth` is the envelope depth of `raw`). Never throws; linear in the message's size.
 */
export function parseHostMessage(raw: unknown, depth = 0): Parsed<HostMessage> {
  if (!isRecord(raw) || typeof raw.method !== 'string' || raw.method.length > 200 || !isRecord(raw.params)) return { ok: false, error: 'not a {method, params} message' };
  const params = raw.params;
  const error = (() => {
    if (raw.method === 'panel/batch') {
      if (depth >= MAX_BATCH_DEPTH) return `panel/batch nested more than ${MAX_BATCH_DEPTH} deep`;
      const messages = params.messages;
      if (!Array.isArray(messages)) return `params.messages: expected a list, got ${shown(messages)}`;
      for (let i = 0; i < messages.length; i++) {
        const inner = parseHostMessage(messages[i], depth + 1);
        if (!inner.ok) return `params.messages[${i}]: ${inner.error}`;
      }
      return undefined;
    }
    const type = hostTypes.get(raw.method);
    return type ? type.check(params, 'params') : 'unknown method';
  })();
  return error === undefined ? { ok: true, message: raw as unknown as HostMessage } : { ok: false, error: `host message ${JSON.stringify(raw.method)}: ${error}` };
}
