/**
 * Resolves on a later turn of the event loop, after the timers queued before it. VS Code's extension host sends its
 * messages to the workbench from a timer, so a long synchronous step (ccxt's 6 MB require) started right after a panel
 * was made or its page set would hold those messages back until it ends; awaiting this first lets them go.
 */
export function afterQueuedTimers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A load run once, on a later turn than its first caller's (see afterQueuedTimers); every caller shares its result. */
export function loadOnceAfterQueuedTimers<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= afterQueuedTimers().then(load));
}

/**
 * Resolves once the event loop has run its queued timers and polled for I/O: a long synchronous step awaiting this
 * first lets the extension host send its queued messages and also read those that arrived meanwhile (a panel's
 * `webview/ready`). From an I/O callback (an HTTP answer), a timer alone resumes before the next poll.
 */
export async function afterEventLoopTurn(): Promise<void> {
  await afterQueuedTimers();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
