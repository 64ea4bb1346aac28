/** A recorder's events, as far as the stream states in them go. */
type StateEvents = ReadonlyArray<{ readonly type: string; readonly state?: { readonly status: string } }>;

const statusesOf = (events: StateEvents): string[] => events.flatMap((e) => (e.type === 'state' && e.state ? [e.state.status] : []));

/**
 * The states taken since event `from`, with a `live` that follows a `live` (the last one before `from` included) left
 * out: the same live with another detail, catching up then caught up, as a start's first seam check or a reconnect's
 * hole settles. When that settling lands, before a test's mark or after it, on either side of the test's next fault,
 * is up to the machine's load; a state that is no live (a second `reconnecting`) always shows.
 */
export function stateMoves(events: StateEvents, from: number): string[] {
  const before = statusesOf(events.slice(0, from)).at(-1);
  const since = statusesOf(events.slice(from));
  return since.filter((s, i) => !(s === 'live' && (i === 0 ? before : since[i - 1]) === 'live'));
}
