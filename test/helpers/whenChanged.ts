/**
 * Waiting on something that calls back when it changed (AggregateLanes' onChange): `changed` is the callback to hand
 * it; `until` resolves once `pred` holds after a change (or at once), and fails naming `what` after `timeoutMs`.
 */
export function whenChanged(timeoutMs = 20_000): { changed: () => void; until: (pred: () => boolean, what: string) => Promise<void> } {
  let check: () => void = () => undefined;
  return {
    changed: () => check(),
    until: (pred, what) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
        check = () => {
          if (!pred()) return;
          clearTimeout(timer);
          resolve();
        };
        check();
      }),
  };
}
