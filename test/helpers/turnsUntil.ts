import * as assert from 'node:assert/strict';

/** Resolves once `check` holds, polled on each turn of the event loop (a stream's loop runs on promises); fails naming `what` after 10,000 turns. */
export async function turnsUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`never: ${what}`);
}
