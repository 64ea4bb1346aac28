/**
 * A page's bundle, posted instead of carried in its HTML. VS Code's part of a panel's first load grows with the HTML
 * (a chart's 0.4 MB page took it 1.3 s against 0.45 s for a bare one, BENCHMARKS row 31), so the HTML carries only a
 * small loader (or a chart's preview painter) and the host posts the bundle right after setting the HTML: VS Code
 * holds that message until the page has loaded, then hands it over. A page that did not get it (loaded again from
 * the same HTML after being hidden, or the message lost when the panel was hidden before it loaded) asks for it.
 */

/** Host → page: the page's bundle, run by the loader with the page's nonce. */
export const PAGE_SCRIPT = 'page/script';

export interface PageScriptMessage {
  readonly method: typeof PAGE_SCRIPT;
  readonly params: { readonly text: string };
}

/**
 * Host → page: the panel's resync (a `panel/batch`), posted to a page loading again (shown after being hidden) right
 * after its bundle, so it does not wait for its ready's round trip. The loader keeps it, and every message after it,
 * for the bundle; the page's ready names the token (extension/panels/panelSync.ts).
 */
export const PAGE_RESYNC = 'page/resync';

export interface PageResyncMessage {
  readonly method: typeof PAGE_RESYNC;
  readonly params: { readonly token: number; readonly batch: unknown };
}

export function pageResyncMessage(token: number, batch: unknown): PageResyncMessage {
  return { method: PAGE_RESYNC, params: { token, batch } };
}

/** A `page/resync` message's token and batch (the batch is validated by the bundle like any host message); undefined for any other message. */
export function pageResyncOf(data: unknown): { token: number; batch: unknown } | undefined {
  if (typeof data !== 'object' || data === null || (data as { method?: unknown }).method !== PAGE_RESYNC) return undefined;
  const params = (data as { params?: unknown }).params;
  if (typeof params !== 'object' || params === null) return undefined;
  const { token, batch } = params as { token?: unknown; batch?: unknown };
  return typeof token === 'number' && Number.isSafeInteger(token) && token > 0 && batch !== undefined ? { token, batch } : undefined;
}

/** The loader posts this to its own window after the `load` event's handlers have run: VS Code hands over the
 * messages it held for the page in one of those handlers, so a probe that arrives before the bundle means none held it. */
export const PAGE_PROBE = 'page/probe';

/** A bundle larger than this is refused (ours are under 1 MB). */
export const MAX_PAGE_SCRIPT_CHARS = 8_000_000;

export function pageScriptMessage(text: string): PageScriptMessage {
  return { method: PAGE_SCRIPT, params: { text } };
}

/** The bundle in a `page/script` message; undefined for any other message, or one whose text is empty or too long. */
export function pageScriptText(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || (data as { method?: unknown }).method !== PAGE_SCRIPT) return undefined;
  const params = (data as { params?: unknown }).params;
  const text = typeof params === 'object' && params !== null ? (params as { text?: unknown }).text : undefined;
  return typeof text === 'string' && text.length > 0 && text.length <= MAX_PAGE_SCRIPT_CHARS ? text : undefined;
}

/** Whether a message on the page's window is the loader's (the bundle, or the loader's probe), not the panel's protocol. */
export function isPageLoaderMessage(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const method = (data as { method?: unknown }).method;
  return method === PAGE_SCRIPT || method === PAGE_PROBE || method === PAGE_RESYNC;
}
