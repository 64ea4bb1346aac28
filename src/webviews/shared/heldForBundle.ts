/**
 * What a page's loader keeps for its bundle: the host's early resync (`page/resync`, shared/pageScript.ts), posted as
 * the page was shown again, and every message after it, in order. They reach the page before the bundle listens; the
 * bundle takes them as it starts listening (shared/vscode.ts), and its ready names the resync's token. Messages before
 * a resync are never kept: they changed a page that is gone. Pure (the loader and the bundle share it through the
 * window: `shareHeld`, `takeHeld`).
 */
import { isPageLoaderMessage, pageResyncOf } from '../../shared/pageScript';

export interface Held {
  readonly token: number;
  /** The resync's batch first, then what followed it; validated by the bundle like any host message. */
  readonly messages: readonly unknown[];
}

/** Kept at most, after the resync: a page whose bundle has not run after this many frames' batches gets a full resync at its ready instead. */
export const MAX_HELD = 2_000;

export class HeldForBundle {
  private token: number | undefined;
  private messages: unknown[] = [];
  private taken = false;

  constructor(private readonly max = MAX_HELD) {}

  /** A message on the page's window from the host, before the bundle listens. */
  offer(data: unknown): void {
    if (this.taken) return;
    const resync = pageResyncOf(data);
    if (resync) {
      // A newer resync covers everything before it.
      this.token = resync.token;
      this.messages = [resync.batch];
      return;
    }
    if (this.token === undefined || isPageLoaderMessage(data)) return;
    if (this.messages.length > this.max) {
      this.token = undefined;
      this.messages = [];
      return;
    }
    this.messages.push(data);
  }

  /** The bundle listens now: what was kept (nothing without a resync), and nothing is kept after. */
  take(): Held | undefined {
    this.taken = true;
    const token = this.token;
    const messages = this.messages;
    this.token = undefined;
    this.messages = [];
    return token === undefined ? undefined : { token, messages };
  }
}

declare global {
  var __tradesuiteHeld: { take(): Held | undefined } | undefined;
}

/** The loader's side: `take` is what the bundle calls (once). */
export function shareHeld(take: () => Held | undefined): void {
  globalThis.__tradesuiteHeld = { take };
}

/** The bundle's side: what the loader kept, once (a second caller, or a page without the loader, gets nothing). */
export function takeHeld(): Held | undefined {
  const shared = globalThis.__tradesuiteHeld;
  globalThis.__tradesuiteHeld = undefined;
  return shared?.take();
}
