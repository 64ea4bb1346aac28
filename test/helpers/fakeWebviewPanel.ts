/**
 * A webview panel in plain Node for host-side panel tests and benchmarks: every post is serialized as VS Code does
 * before it crosses to the page, and validated as the real page does (webviews/shared/messages.ts): a message the page
 * would drop (posted, or carried in the HTML for the first paint) fails the test during which it was posted.
 */
import type * as vscode from 'vscode';
import { isPageLoaderMessage, PAGE_RESYNC, pageResyncOf, pageScriptText } from '../../src/shared/pageScript';
import type { HostMessage } from '../../src/shared/protocol';
import { INLINE_MESSAGES_ID } from '../../src/shared/util/inlineJson';
import { unpackHostMessages } from '../../src/webviews/shared/messages';

type Listener<T> = (e: T) => void;

function emitter<T>() {
  let listeners: Listener<T>[] = [];
  return {
    event: (l: Listener<T>) => {
      listeners.push(l);
      return { dispose: () => (listeners = listeners.filter((x) => x !== l)) };
    },
    fire: (e: T) => {
      for (const l of [...listeners]) l(e);
    },
  };
}

export interface FakePanel {
  readonly panel: vscode.WebviewPanel;
  /** A message from the page (`webview/ready` makes the panel send its snapshot). */
  fromPage(message: unknown): void;
  /** Posts so far, their serialized bytes, and the times they were posted (ms, performance.now()). */
  readonly posts: { count: number; bytes: number; at: number[] };
  /** What was posted, as the page receives it (kept only with `keep`). */
  readonly messages: unknown[];
  /** The page's bundle, each time the host posted it (shared/pageScript.ts): not counted in `posts` nor kept in `messages`. */
  readonly scripts: string[];
  /** The method of every post in order, the bundle's included. */
  readonly sequence: string[];
  /** Hides or shows the panel as VS Code does: `visible` changes, then its view state event fires. */
  setVisible(visible: boolean): void;
  /** Why the page would have dropped each host message posted so far (each also failed the test that posted it). */
  readonly invalid: string[];
}

/**
 * What the real page would drop of `posted` (as it arrives: serialized and parsed), each naming the method and field;
 * a `page/resync`'s batch is checked as the page's bundle checks it. Empty when the page takes all of it.
 */
export function pageRejects(posted: unknown): string[] {
  const errors: string[] = [];
  const method = (posted as { method?: unknown } | null)?.method;
  if (method === PAGE_RESYNC) {
    const resync = pageResyncOf(posted);
    if (resync === undefined) return [`${PAGE_RESYNC}: not a {token, batch} resync`];
    unpackHostMessages(resync.batch, (error) => errors.push(`${PAGE_RESYNC} batch: ${error}`));
    return errors;
  }
  unpackHostMessages(posted, (error) => errors.push(error));
  return errors;
}

/** What the page would drop of the message in `html` (webviewHtml's `inline`), as `pageRejects` says; none without one. */
export function inlineRejects(html: string): string[] {
  const inline = new RegExp(`<script type="application/json" id="${INLINE_MESSAGES_ID}"[^>]*>([^<]*)</script>`).exec(html)?.[1];
  if (inline === undefined) return [];
  try {
    return pageRejects(JSON.parse(inline)).map((error) => `inline: ${error}`);
  } catch (e) {
    return [`inline: not JSON (${String(e)})`];
  }
}

/**
 * Fails the test during which `errors` were posted: an unhandled rejection (test/setup/noUnhandledRejections.ts fails
 * that test with it), not a throw from postMessage, which the panel would take as a lost post and resync past.
 */
function failTheTest(errors: readonly string[], stack: Error): void {
  const failure = new Error(`the page would drop a host message:\n${errors.join('\n')}`);
  failure.stack = `${failure.message}\nposted${stack.stack?.slice(stack.stack.indexOf('\n')) ?? ''}`;
  void Promise.reject(failure);
}

/**
 * `keep`: keep every post in `messages`. `keepHiddenPage`: made with retainContextWhenHidden (its page stays while
 * hidden). `unchecked`: posts are not validated (benchmarks of the host's CPU: the page's checks are not the host's).
 */
export function fakeWebviewPanel(opts: { keep?: boolean; keepHiddenPage?: boolean; unchecked?: boolean } = {}): FakePanel {
  const received = emitter<unknown>();
  const disposed = emitter<void>();
  const viewState = emitter<unknown>();
  const posts = { count: 0, bytes: 0, at: [] as number[] };
  const messages: unknown[] = [];
  const scripts: string[] = [];
  const sequence: string[] = [];
  const invalid: string[] = [];
  let alive = true;
  let html = '';
  const webview = {
    get html(): string {
      return html;
    },
    /** The page validates the message its HTML carries (webviewHtml's `inline`) as it validates a posted one. */
    set html(page: string) {
      html = page;
      const errors = opts.unchecked ? [] : inlineRejects(page);
      if (errors.length === 0) return;
      invalid.push(...errors);
      failTheTest(errors, new Error('set in the HTML'));
    },
    cspSource: 'vscode-resource:',
    asWebviewUri: (u: vscode.Uri) => u,
    postMessage: (m: unknown) => {
      sequence.push(String((m as { method?: unknown } | null)?.method));
      const script = pageScriptText(m);
      if (script !== undefined) {
        scripts.push(script);
        return Promise.resolve(true);
      }
      posts.count++;
      const json = JSON.stringify(m);
      posts.bytes += json.length;
      const asReceived = opts.keep || !opts.unchecked ? (JSON.parse(json) as unknown) : undefined;
      const errors = opts.unchecked ? [] : pageRejects(asReceived);
      if (errors.length > 0) {
        invalid.push(...errors);
        failTheTest(errors, new Error('posted'));
      }
      if (opts.keep) messages.push(asReceived);
      posts.at.push(performance.now());
      return Promise.resolve(true);
    },
    onDidReceiveMessage: received.event,
  };
  const panel = {
    title: '',
    visible: true,
    options: { retainContextWhenHidden: opts.keepHiddenPage === true },
    webview,
    onDidDispose: disposed.event,
    onDidChangeViewState: viewState.event,
    dispose: () => {
      if (!alive) return;
      alive = false;
      disposed.fire();
    },
  };
  const setVisible = (visible: boolean) => {
    panel.visible = visible;
    viewState.fire({ webviewPanel: panel });
  };
  return { panel: panel as unknown as vscode.WebviewPanel, fromPage: (m) => received.fire(m), posts, messages, scripts, sequence, setVisible, invalid };
}

/**
 * Every message a page got, batches unpacked and validated as the page does (webviews/shared/messages.ts), in order;
 * the loader's own messages (`page/resync`) as posted. Throws naming the method and field of one the page would drop.
 */
export function receivedByPage(messages: readonly unknown[]): HostMessage[] {
  return messages.flatMap((m) =>
    isPageLoaderMessage(m)
      ? [m as HostMessage]
      : unpackHostMessages(m, (error) => {
          throw new Error(`the page would drop a host message: ${error}`);
        }),
  );
}

/** Resolves once `check` holds (looked at every 20 ms: a panel's posts have no event to wait on); rejects naming `what` after `timeoutMs`. */
export async function pageUntil(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
