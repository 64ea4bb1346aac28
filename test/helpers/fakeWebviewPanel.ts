/** A webview panel in plain Node for host-side panel tests and benchmarks: every post is serialized as VS Code does before it crosses to the page. */
import type * as vscode from 'vscode';
import { pageScriptText } from '../../src/shared/pageScript';
import type { HostMessage } from '../../src/shared/protocol';

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
}

/** `keep`: keep every post in `messages`. `keepHiddenPage`: made with retainContextWhenHidden (its page stays while hidden). */
export function fakeWebviewPanel(opts: { keep?: boolean; keepHiddenPage?: boolean } = {}): FakePanel {
  const received = emitter<unknown>();
  const disposed = emitter<void>();
  const viewState = emitter<unknown>();
  const posts = { count: 0, bytes: 0, at: [] as number[] };
  const messages: unknown[] = [];
  const scripts: string[] = [];
  const sequence: string[] = [];
  let alive = true;
  const webview = {
    html: '',
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
      if (opts.keep) messages.push(JSON.parse(json));
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
  return { panel: panel as unknown as vscode.WebviewPanel, fromPage: (m) => received.fire(m), posts, messages, scripts, sequence, setVisible };
}

/** Every message a page got, batches unpacked, in order. */
export function receivedByPage(messages: readonly unknown[]): HostMessage[] {
  return (messages as HostMessage[]).flatMap((m) => (m.method === 'panel/batch' ? m.params.messages : [m]));
}

/** Resolves once `check` holds (looked at every 20 ms: a panel's posts have no event to wait on); rejects naming `what` after `timeoutMs`. */
export async function pageUntil(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
