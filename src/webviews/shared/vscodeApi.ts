/**
 * The page's one `acquireVsCodeApi()` (VS Code allows a single call per page), shared by every script of the page:
 * a chart's preview painter runs before its bundle and reads the webview state too, so whichever runs first
 * acquires it and leaves it on the window for the other.
 */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState<T>(state: T): T;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
  var __tradesuiteVsCodeApi: VsCodeApi | undefined;
}

/** The page's API; outside VS Code (a plain browser page) a stand-in that prints what would be posted. */
export function pageApi(): VsCodeApi {
  globalThis.__tradesuiteVsCodeApi ??=
    typeof acquireVsCodeApi === 'function'
      ? acquireVsCodeApi()
      : { postMessage: (m) => console.debug('[webview → host]', m), getState: () => undefined, setState: (s) => s };
  return globalThis.__tradesuiteVsCodeApi;
}
