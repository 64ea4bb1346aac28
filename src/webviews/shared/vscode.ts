/**
 * Thin typed wrapper over `acquireVsCodeApi()` (which may be called only once per webview).
 * Outgoing messages are typed (and checked with `parseWebviewMessage`, which the host applies too); incoming ones
 * are validated with `parseHostMessage` and `panel/batch` envelopes are unpacked in order.
 */
import { parseWebviewMessage, type HostMessage, type MarketRef, type PanelKind, type WebviewMessage } from '../../shared/protocol';
import { pageBoot } from './bootClock';
import { isPageLoaderMessage } from '../../shared/pageScript';
import { INLINE_MESSAGES_ID } from '../../shared/util/inlineJson';
import { setBodyData } from './dataset';
import { takeHeld } from './heldForBundle';
import { inlineUse } from './inlinePage';
import { RateLimiter } from '../../shared/util/rateLimiter';
import { unpackHostMessages } from './messages';
import { pageApi } from './vscodeApi';

const vscode = pageApi;

export function post(message: WebviewMessage): void {
  const checked = parseWebviewMessage(message);
  if (!checked.ok) {
    console.warn(`not posting an invalid message: ${checked.error}`);
    return;
  }
  vscode().postMessage(message);
}

const logLimiter = new RateLimiter(20, 10_000);

/** Posts `webview/log`, at most 20 per 10 s (then one line saying how many were dropped). */
export function log(level: 'info' | 'warn' | 'error', message: string): void {
  const { allow, suppressedBefore } = logLimiter.take(Date.now());
  if (suppressedBefore > 0) post({ method: 'webview/log', params: { level: 'warn', message: `${suppressedBefore} log messages were dropped (rate limit)` } });
  if (allow) post({ method: 'webview/log', params: { level, message: message.length > 2000 ? `${message.slice(0, 1997)}...` : message } });
}

export interface MessageOptions {
  /** Called once after every message of one postMessage (one frame's batch) has been handled. */
  readonly onBatchEnd?: () => void;
  /**
   * Handle the message the host put in the page's HTML (webviewHtml's `inline`), validated like a posted one, in a
   * microtask (after the caller's own start, e.g. its ready). Only on the first load of that HTML (see inlinePage.ts):
   * a page loaded again from it (shown after being hidden) would paint old data, and waits for the host's answer to
   * its ready (or the early resync the host posted it: heldForBundle.ts, handled the same way, after this one); a page
   * restored after a window reload has new HTML, and paints from it.
   */
  readonly inline?: boolean;
}

/**
 * Calls `handler` for every valid host message, batches unpacked in order. Invalid messages are dropped with a
 * `webview/log` warning; an exception in the handler is logged and does not stop the rest of the batch.
 * Returns a function that removes the listener.
 */
export function onMessage(handler: (message: HostMessage) => void, options: MessageOptions = {}): () => void {
  let removed = false;
  const dispatch = (data: unknown) => {
    const messages = unpackHostMessages(data, (error) => log('warn', `dropped an invalid host message: ${error}`));
    for (const m of messages) {
      try {
        handler(m);
      } catch (e) {
        log('error', `handling ${m.method} failed: ${describe(e)}`);
      }
    }
    if (messages.length > 0 && options.onBatchEnd) {
      try {
        options.onBatchEnd();
      } catch (e) {
        log('error', `after a batch: ${describe(e)}`);
      }
    }
  };
  // The page loader's messages (its bundle posted again, its probe) are not the panel's.
  const listener = (event: MessageEvent) => {
    if (!isPageLoaderMessage(event.data)) dispatch(event.data);
  };
  window.addEventListener('message', listener);
  const inline = options.inline ? inlineMessage() : undefined;
  const held = takeHeld();
  if (held) {
    earlyToken = held.token;
    setBodyData('early', held.token); // for e2e and benchmarks
  }
  const before = [...(inline === undefined ? [] : [inline]), ...(held?.messages ?? [])];
  if (before.length > 0)
    queueMicrotask(() => {
      for (const message of before) if (!removed) dispatch(message);
    });
  return () => {
    removed = true;
    window.removeEventListener('message', listener);
  };
}

/** The HTML's message (see MessageOptions.inline), parsed but not yet validated; undefined when there is none or this HTML was used before. */
function inlineMessage(): unknown {
  const element = document.getElementById(INLINE_MESSAGES_ID);
  const text = element?.textContent;
  const page = element?.dataset.page;
  const use = inlineUse(text, page, getState<{ inlinePage: unknown }>().inlinePage);
  setBodyData('inline', use); // for e2e
  if (use !== 'used' || !text) return undefined;
  setState({ inlinePage: page });
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    log('warn', `dropped the page's inline data: ${describe(e)}`);
    return undefined;
  }
}

/** View state that survives the webview being hidden and restored (VS Code keeps it per panel). */
export function getState<T extends object>(): Partial<T> {
  const s = vscode().getState();
  return typeof s === 'object' && s !== null ? (s as Partial<T>) : {};
}

export function setState<T extends object>(patch: Partial<T>): void {
  vscode().setState({ ...getState<T>(), ...patch });
}

let rememberedPanel = '';

/**
 * Saves `{ panel: { kind, exchange, symbol, timeframe? } }` in the webview state, where the host's panel
 * serializer looks for it (extension/panels/panelState.ts `parseState`) to reopen the panel after a reload.
 * Written only when it changes.
 */
export function rememberPanel(kind: PanelKind, market: MarketRef, timeframe?: string, footprint?: boolean): void {
  const panel = { kind, exchange: market.exchange, symbol: market.symbol, ...(timeframe !== undefined ? { timeframe } : {}), ...(footprint === true ? { footprint } : {}) };
  const key = JSON.stringify(panel);
  if (key === rememberedPanel) return;
  rememberedPanel = key;
  setState({ panel });
}

/** The token of the host's early resync the page took (heldForBundle.ts), named in its ready. */
let earlyToken: number | undefined;

export function postReady(kind: PanelKind): void {
  post({ method: 'webview/ready', params: { kind, boot: pageBoot(), ...(earlyToken === undefined ? {} : { early: earlyToken }) } });
}

/** Uncaught errors and rejections go to the host's log (rate-limited) as well as the devtools console. */
export function installErrorReporting(kind: PanelKind): void {
  window.addEventListener('error', (e) => log('error', `${kind}: ${e.message}${e.filename ? ` (${e.filename}:${e.lineno})` : ''}`));
  window.addEventListener('unhandledrejection', (e) => log('error', `${kind}: unhandled rejection: ${describe(e.reason)}`));
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
