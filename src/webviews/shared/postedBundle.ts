/**
 * The page's side of a posted bundle (shared/pageScript.ts): takes the host's `page/script` message, asks for it when
 * none was held for this page, and runs it by the page's nonce when the gate allows. Keeps the host's early resync for
 * the bundle (heldForBundle.ts).
 */
import { PAGE_PROBE, pageScriptText } from '../../shared/pageScript';
import { BundleGate } from './bundleGate';
import { epochMs } from './bootClock';
import { setBodyData } from './dataset';
import { HeldForBundle, shareHeld } from './heldForBundle';
import { pageApi } from './vscodeApi';

/** Starts listening for the bundle; call as the page's first script runs (before its `load` event). */
export function loadPostedBundle(nonce: string): BundleGate {
  const gate = new BundleGate((text) => {
    const script = document.createElement('script');
    script.nonce = nonce;
    script.text = text;
    document.body.appendChild(script);
  });
  const token = Math.random().toString(36).slice(2);
  let asked = false;
  const onMessage = (e: MessageEvent<unknown>) => {
    const data = e.data as { method?: unknown; params?: { token?: unknown } } | null;
    if (e.source === window && data?.method === PAGE_PROBE && data.params?.token === token) {
      // Every message VS Code held for the page came before this probe: the bundle was not among them.
      if (gate.awaited && !asked) {
        asked = true;
        setBodyData('bundleAsked', 'true');
        pageApi().postMessage({ method: 'webview/script', params: { kind: document.body.dataset.kind ?? '' } });
      }
      return;
    }
    // Only VS Code's frame around the page, of the page's own origin, delivers the host's messages (VS Code sets the
    // page's `window.parent` to the page itself, so the sender is known by its origin).
    if (e.origin !== window.origin) return;
    const text = pageScriptText(e.data);
    if (text === undefined) {
      held.offer(e.data);
      return;
    }
    setBodyData('bundleReceived', epochMs()); // for benchmarks
    gate.received(text);
  };
  // The host's early resync and what follows it, kept until the bundle listens (heldForBundle.ts).
  const held = new HeldForBundle();
  shareHeld(() => {
    window.removeEventListener('message', onMessage);
    return held.take();
  });
  window.addEventListener('message', onMessage);
  // VS Code hands the held messages over in a `load` handler of its own, after this page's: a task later, they are queued.
  const probe = () => setTimeout(() => window.postMessage({ method: PAGE_PROBE, params: { token } }, '*'));
  if (document.readyState === 'complete') probe();
  else window.addEventListener('load', probe, { once: true });
  return gate;
}
