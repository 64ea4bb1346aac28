/** What a poll loop's state says is wrong, for a legend ("retrying (2) at 17:31:05 UTC, …"), or undefined while it is fine. */
import type { StreamState } from '../types';
import { assertNever } from '../util/assertNever';

export function pollTrouble(s: StreamState): string | undefined {
  switch (s.status) {
    case 'retrying':
      return `retrying (${s.attempt}) at ${new Date(s.retryAt).toISOString().slice(11, 19)} UTC, ${s.reason}`;
    case 'reconnecting':
      return `retrying (${s.attempt}), ${s.reason}`;
    case 'degraded':
    case 'failed':
      return `${s.status}, ${s.reason}`;
    case 'connecting':
    case 'live':
    case 'stopped':
      return undefined;
    default:
      return assertNever(s);
  }
}
