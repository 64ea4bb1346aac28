/** The messages every panel shares: readiness, paint and log reports from a webview; connection and errors from the host. */
import { command, fields, notification, payload } from './ipc';
import { arrayOf, both, num, oneOf, optional, record, str, type Check } from './wireCheck';
import { MAX_MARKET_NAME_CHARS } from '../util/marketName';
import { MAX_LEGS } from '../util/maxLegs';

export type PanelKind = 'chart' | 'orderbook' | 'dom' | 'tape' | 'heatmap';
const PANEL_KINDS: readonly PanelKind[] = ['chart', 'orderbook', 'dom', 'tape', 'heatmap'];

export interface MarketRef {
  readonly exchange: string;
  readonly symbol: string;
}

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'retrying' | 'degraded' | 'stopped' | 'failed';
export const CONNECTION_STATUSES: readonly ConnectionStatus[] = ['connecting', 'live', 'reconnecting', 'retrying', 'degraded', 'stopped', 'failed'];

export interface ConnectionInfo {
  readonly status: ConnectionStatus;
  readonly attempt?: number;
  /** Why it is not live, whole (the badge's tooltip); connecting: what it still waits for while the rest flows. */
  readonly reason?: string;
  /** The reason in a few words for the badge's text (`1 leg stale`), where the whole one would not fit. */
  readonly brief?: string;
  /** Epoch ms of the next attempt (retrying) or repair (degraded). */
  readonly retryAt?: number;
  /** Epoch ms of the last data received, so the webview can show how long a live stream has been quiet. */
  readonly lastDataAt?: number;
  /**
   * Epoch ms the stream stopped being live (absent while live, and before it ever was): what the panel still shows is
   * as of then, so it reads "stale since" that time, however often the held data is drawn again meanwhile.
   */
  readonly downSince?: number;
}

// The longest texts the page takes (a longer one makes it drop the whole message): the host shortens its texts to
// these (shared/util/clip.ts) where they come from an error, an exchange or a file.
/** A market's exchange and symbol (names, never shortened: the host refuses longer ones where they come in). */
export { MAX_MARKET_NAME_CHARS };
/** The badge's tooltip: why the stream is not live, whole. */
export const MAX_CONNECTION_REASON_CHARS = 20_000;
/** The badge's text. */
export const MAX_CONNECTION_BRIEF_CHARS = 200;
/** The error banner's text (and the one a page says it dismissed). */
export const MAX_PANEL_ERROR_CHARS = 5000;
/** The REC pill's text and its tooltip. */
export const MAX_RECORDING_TEXT_CHARS = 200;
export const MAX_RECORDING_DETAIL_CHARS = 2000;
/** An aggregate's leg as a panel names it ("binance BTC/USDT"). */
export const MAX_LEG_LABEL_CHARS = 120;

/** Field validators the panels' protocols share. */
export const price = num({ above: 0 });
export const amount = num({ min: 0 });
/** Epoch ms, at most the latest time a Date holds: the host formats the times a page sends. */
export const time = num({ min: 0, max: 8.64e15 });
const shortName = str(MAX_MARKET_NAME_CHARS, { nonEmpty: true });
export const market = record({ exchange: shortName, symbol: shortName });
/**
 * A span of the market's trades that will never come: a reconnect's hole whose fetch from REST failed. Missing are the
 * trades after the one at `from`, up to the stream's pick-up at `until` (absent: it had not picked up when the hole
 * was given up); `reason` says why (the REST error, or the chart fetching them closed). A tape shows it among its
 * rows, a DOM and a heatmap under their toolbar: what they built from the trades lacks the span's.
 */
export interface TradesMissingWire {
  readonly from: number;
  readonly until?: number;
  readonly reason: string;
}
/** Why a span's trades are missing. */
export const MAX_MISSING_REASON_CHARS = 1000;
/** The spans of missing trades a panel keeps (the newest). */
export const MAX_TRADES_MISSING = 20;
const missingSpan = record({ from: time, until: optional(time), reason: str(MAX_MISSING_REASON_CHARS) });
/** At most MAX_TRADES_MISSING spans, oldest first. */
export const tradesMissingSpans = both(arrayOf(missingSpan), (v, path) => ((v as unknown[]).length > MAX_TRADES_MISSING ? `${path}: at most ${MAX_TRADES_MISSING} spans` : undefined));
/** One value per leg of an aggregate, each checked by `item`: at most MAX_LEGS of them. */
export const legsOf = (item: Check): Check => both(arrayOf(item), (v, path) => ((v as unknown[]).length > MAX_LEGS ? `${path}: at most ${MAX_LEGS} legs` : undefined));
const panelKind = oneOf(PANEL_KINDS);

// Host → webview
export const PanelConnection = notification(
  'panel/connection',
  payload<ConnectionInfo>(record({ status: oneOf(CONNECTION_STATUSES), attempt: optional(num({ integer: true, min: 0 })), reason: optional(str(MAX_CONNECTION_REASON_CHARS)), brief: optional(str(MAX_CONNECTION_BRIEF_CHARS)), retryAt: optional(time), lastDataAt: optional(time), downSince: optional(time) })),
);
/**
 * Whether the panel's market is being recorded, and how that goes: `recording`; `behind` (the store failed a write, rows
 * are kept and retried); `dropping` (the buffer is full); `failed` (a stream could not be subscribed); `overBudget` (the
 * store is over its size budget with only the day being written left: recording goes on); `off`. `text` is the badge's.
 */
export type RecordingStatusWire = 'off' | 'starting' | 'recording' | 'behind' | 'dropping' | 'failed' | 'overBudget';
const RECORDING_STATUSES: readonly RecordingStatusWire[] = ['off', 'starting', 'recording', 'behind', 'dropping', 'failed', 'overBudget'];
export interface RecordingInfo {
  readonly status: RecordingStatusWire;
  readonly text: string;
  readonly detail?: string;
}
export const PanelRecording = notification('panel/recording', payload<RecordingInfo>(record({ status: oneOf(RECORDING_STATUSES), text: str(MAX_RECORDING_TEXT_CHARS), detail: optional(str(MAX_RECORDING_DETAIL_CHARS)) })));
export const PanelError = notification('panel/error', payload<{ readonly message: string }>(record({ message: str(MAX_PANEL_ERROR_CHARS) })));
/**
 * A panel that keeps its page while hidden was hidden: it sends the page nothing until shown again, and then a
 * resync, so the page's clock for "quiet" stands still meanwhile (shown, it would otherwise say "quiet 2m" of a live
 * market until the resync came). The page takes its own clock's time. `freeCanvasesAfterMs`: how long the page keeps
 * its canvases' pixels hidden (a tab switched back to soon shows its old picture at once; one left longer gives its
 * memory back and is drawn again when shown; setting `panels.freeHiddenCanvasesAfterSeconds`).
 */
export const PanelHidden = notification('panel/hidden', payload<{ readonly freeCanvasesAfterMs: number }>(record({ freeCanvasesAfterMs: num({ min: 0, max: 86_400_000 }) })));
/**
 * That panel was shown again, posted before its resync: the page gives its canvases back the size it freed them of
 * as it was hidden (a kept page's memory is mostly their pixels; webviews/shared/keptPageShown.ts).
 */
export const PanelShown = notification('panel/shown', payload<Record<string, never>>(record({})));
/** The failure a `panel/error` said is over (the stream is live again): a page drops that banner, not a newer one. */
export const PanelErrorResolved = notification('panel/errorResolved', payload<{ readonly message: string }>(record({ message: str(MAX_PANEL_ERROR_CHARS) })));

/** A page's first start, in epoch ms of the webview's clock (for benchmarks and troubleshooting: where a slow open goes). */
export interface PageBoot {
  /** The page's navigation began (VS Code's webview frame asked for the document). */
  readonly timeOrigin: number;
  readonly documentLoaded?: number;
  readonly scriptFetchStart?: number;
  readonly scriptFetched?: number;
  readonly scriptBytes?: number;
  /** The bundle's first module ran. */
  readonly scriptStart: number;
  readonly ready: number;
}
/** A first paint, on the webview's clock (epoch ms): the data arrived, was applied, and the frame after it was drawn. */
export interface PaintTimes {
  readonly received: number;
  readonly applied: number;
  readonly painted: number;
  /** The frame with the page's preview of the same bars (shared/pagePreview.ts) was drawn, when there was one. */
  readonly previewPainted?: number;
}
const pageBoot = record({
  timeOrigin: time,
  documentLoaded: optional(time),
  scriptFetchStart: optional(time),
  scriptFetched: optional(time),
  scriptBytes: optional(num({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER })),
  scriptStart: time,
  ready: time,
});
const paintTimes = record({ received: time, applied: time, painted: time, previewPainted: optional(time) });

// Webview → host
export const WebviewReady = command(
  'webview/ready',
  /** `early`: the token of the resync the host posted as the page loaded, when the page took it (shared/pageScript.ts). */
  fields<{ readonly kind: PanelKind; readonly boot?: PageBoot; readonly early?: number }>({ kind: panelKind, boot: optional(pageBoot), early: optional(num({ integer: true, min: 1, max: Number.MAX_SAFE_INTEGER })) }),
  'kind must be chart, orderbook, dom, tape or heatmap; boot, when sent, epoch times; early, when sent, a positive integer',
);
export const WebviewRendered = command(
  'webview/rendered',
  fields<{ readonly kind: PanelKind; readonly items: number; readonly times?: PaintTimes }>({ kind: panelKind, items: num({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }), times: optional(paintTimes) }),
  'needs kind and items (a count); times, when sent, epoch times',
);
/** The page did not get its bundle from the host (shared/pageScript.ts): post it again. */
export const WebviewScript = command('webview/script', fields<{ readonly kind: PanelKind }>({ kind: panelKind }), 'kind must be chart, orderbook, dom, tape or heatmap');
/** The user closed the page's error banner: the host stops re-sending that error to the page when it reloads. */
export const PanelDismissError = command('panel/dismissError', fields<{ readonly message: string }>({ message: str(MAX_PANEL_ERROR_CHARS) }), `needs the message dismissed, at most ${MAX_PANEL_ERROR_CHARS} characters`);
export const WebviewLog = command(
  'webview/log',
  fields<{ readonly level: 'info' | 'warn' | 'error'; readonly message: string }>({ level: oneOf(['info', 'warn', 'error']), message: str(2000) }),
  'needs level and a message of at most 2000 characters',
);
