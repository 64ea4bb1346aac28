import type { HostMethod } from '../../shared/protocol';
import type { Pending } from './frameCoalescer';

/**
 * The messages that say what state a panel's market is in rather than bring it data: a page shows the newest of each
 * until told otherwise, and they come from events the panel cannot send again by itself (an error is said once). The
 * REC pill and the replay bar are computed afresh by the panel's own resync.
 */
const STATE_METHODS = ['panel/connection', 'panel/error'] as const;
type StateMethod = (typeof STATE_METHODS)[number];

function isStateMethod(method: HostMethod): method is StateMethod {
  return (STATE_METHODS as readonly HostMethod[]).includes(method);
}

/**
 * The newest message of each state kind a panel sent, whether or not a page listened: one not loaded yet, or hidden
 * and so discarded, would otherwise never hear that its market failed. A page that says ready gets them after the
 * panel's snapshot, once each. One message per kind, whatever the panel sends. No vscode import.
 */
export class PageState {
  private readonly latest = new Map<StateMethod, Pending>();

  /**
   * A message the panel sends (to a listening page or not). Only `panel/errorResolved` ends the error held: data (a
   * chart's snapshot, sent for markers or settings too) says nothing of whether the failure is over.
   */
  note(message: Pending): void {
    if (isStateMethod(message.method)) this.latest.set(message.method, message);
    else if (message.method === 'panel/errorResolved') {
      const resolved = 'build' in message ? message.build() : message;
      if (resolved.method === 'panel/errorResolved') this.dismissError(resolved.params.message);
    }
  }

  /**
   * The page's banner of this error was closed, or the failure it said is over: a page that loads later does not get
   * it again (a newer one, yes).
   */
  dismissError(message: string): void {
    const held = this.latest.get('panel/error');
    const shown = held && ('build' in held ? held.build() : held);
    if (shown?.method === 'panel/error' && shown.params.message === message) this.latest.delete('panel/error');
  }

  /**
   * A page (re)loaded: `snapshot` sends it the panel's data, then the state messages held are sent after it.
   */
  resync(snapshot: () => void, send: (message: Pending) => void): void {
    snapshot();
    for (const method of STATE_METHODS) {
      const held = this.latest.get(method);
      if (held) send(held);
    }
  }
}
