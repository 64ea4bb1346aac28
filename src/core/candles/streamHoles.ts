// The trades a reconnect's hole lost from the stream, picked out of a gap backfill's REST answer (once).
import type { Trade } from '../types';

/**
 * A drop's hole: after the stream's newest trade at the drop (`from`, with the ids it sent of that millisecond), up to
 * the oldest trade of the first batch after it (`until`, with that batch's ids of that millisecond; open until then).
 */
interface HoleEdge {
  /** Which drop made it (StreamHoles.mark counts them). */
  readonly drop: number;
  readonly from: number;
  readonly ids: readonly string[];
  until: number;
  untilIds: readonly string[];
}

const NONE: readonly Trade[] = [];

/**
 * Follows what a market's stream delivered (its newest millisecond, and the ids of that millisecond) so that a gap
 * backfill's REST trades can be told apart: those between the drop's edge and the first trade streamed after it, and
 * not in the job's buffer (a batch need not be in time order), are the hole's, which the stream's consumers never saw.
 * Each hole is given once: a job gives every hole made before it began (several, when a drop re-queued the job before
 * it installed), and a drop during the job leaves its hole to the next; a job that found none (REST not reaching back)
 * ends the hole all the same, since a later answer would hold trades streamed after this job's buffer was let go.
 * A hole given before the stream picked up keeps following it until it does, and a trade one hole sent late is not
 * sent again by another that overlaps it (dropped again before the pick-up): each reaches the consumers once.
 */
export class StreamHoles {
  private newest = Number.NEGATIVE_INFINITY;
  private readonly newestIds: string[] = [];
  /** The holes not given yet, oldest first. */
  private pending: HoleEdge[] = [];
  private lastDrop: HoleEdge | undefined;
  private drops = 0;
  /** The holes the stream has not picked up after yet (all from the same edge: nothing newer streamed since). */
  private open: HoleEdge[] = [];
  /** The cuts given with an open hole: the batch that picks up may hold trades of it out of time order. */
  private following: HoleCut[] = [];
  private readonly late = new LateLedger(() => this.floor());

  /** O(batch), no allocation but the ids of the newest millisecond (and of a hole's end, once). */
  streamed(batch: readonly Trade[]): void {
    if (this.open.length > 0) this.pickUp(batch);
    for (const t of batch) {
      if (t.timestamp > this.newest) {
        this.newest = t.timestamp;
        this.newestIds.length = 0;
        this.newestIds.push(t.id);
      } else if (t.timestamp === this.newest) this.newestIds.push(t.id);
    }
  }

  /** The stream dropped after being live: its consumers miss what it does not send from here. */
  dropped(): void {
    this.drops++;
    if (!Number.isFinite(this.newest)) return; // nothing streamed yet: nothing the consumers held to follow on from
    this.lastDrop = { drop: this.drops, from: this.newest, ids: [...this.newestIds], until: Number.POSITIVE_INFINITY, untilIds: [] };
    this.pending.push(this.lastDrop);
    this.open.push(this.lastDrop);
  }

  /** A drop's hole waits for a job to take it. */
  get holding(): boolean {
    return this.pending.length > 0;
  }

  /**
   * The pending hole's bounds once the stream picked up after its last drop: from the edge at the first drop not yet
   * taken to the first trade streamed after the last (REST's trades from `from` to `until`, both included, hold it);
   * undefined while none is pending or the stream has not picked up yet.
   */
  span(): { readonly from: number; readonly until: number } | undefined {
    const first = this.pending[0];
    const last = this.lastDrop;
    if (!first || !last || last.until === Number.POSITIVE_INFINITY) return undefined;
    return { from: first.from, until: last.until };
  }

  /** What a gap job starting now needs at its end (see take). */
  mark(): number {
    return this.drops;
  }

  /**
   * A gap job installed its bars with `buffered` streamed while it ran: the holes pending, to pick the hole's trades
   * from REST's answers with (once; `skip` for a job that will not pick). `mark` is mark()'s at the job's start: the
   * holes of drops after it (during the job) wait for the next job, but for the oldest pending one, which this job
   * gives in any case.
   */
  take(mark: number, buffered: readonly Trade[]): HoleCut | undefined {
    const edges = this.give(mark);
    if (edges.length === 0) return undefined;
    // The edges are shared, not copied: one still open is closed where the stream picks up, after the take too.
    const stillOpen = edges.some((e) => e.until === Number.POSITIVE_INFINITY);
    const until = Math.max(...edges.map((e) => e.until));
    // Copied now: the buffer is let go when the job ends, REST's answer for the hole's start may come later.
    const streamed = new Set<string>();
    for (const b of buffered) if (b.timestamp <= until) streamed.add(b.id);
    const cut = new HoleCut(edges, streamed, this.late);
    if (stillOpen) this.following.push(cut);
    this.late.given(cut);
    return cut;
  }

  /**
   * As take, for a job whose holes' trades are not picked (another sends them, or none can be asked for, or they are
   * lost): where the holes given lie (`until` unknown while the stream has not picked up), undefined with none.
   */
  skip(mark: number): HoleSpan | undefined {
    const edges = this.give(mark);
    return edges.length === 0 ? undefined : joinSpans(edges);
  }

  private give(mark: number): HoleEdge[] {
    const given = this.pending.filter((e, i) => i === 0 || e.drop <= mark);
    this.pending = this.pending.filter((e, i) => i !== 0 && e.drop > mark);
    return given;
  }

  /** The open holes end at the batch's oldest trade after their edge (a resend of before the drop is no pick-up). */
  private pickUp(batch: readonly Trade[]): void {
    const picked = pickUpAfter(this.newest, batch); // every open hole's edge
    if (!picked) return;
    for (const e of this.open) {
      e.until = picked.at;
      e.untilIds = picked.ids;
    }
    for (const cut of this.following) cut.streamedUpTo(picked.at, batch);
    this.open = [];
    this.following = [];
  }

  /** No hole to come, pending or given and not picked yet, reaches a trade before this. */
  private floor(): number {
    let floor = this.newest;
    for (const e of this.pending) floor = Math.min(floor, e.from);
    return Math.min(floor, this.late.oldestUnpicked());
  }
}

/**
 * The trades the cuts sent late, by id (and time), for as long as a hole could hold them: one given and not picked
 * yet, or one still to come (after the stream's newest). O(late trades sent) per pick, nothing per stream batch.
 */
class LateLedger {
  private readonly sent = new Map<string, number>();
  private readonly unpicked = new Set<HoleCut>();

  constructor(private readonly floor: () => number) {}

  given(cut: HoleCut): void {
    this.unpicked.add(cut);
  }

  oldestUnpicked(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const cut of this.unpicked) oldest = Math.min(oldest, cut.from);
    return oldest;
  }

  /** `picked`: what `cut` found in REST's answer; returns those not sent late already, now counted as sent. */
  send(cut: HoleCut, picked: readonly Trade[]): readonly Trade[] {
    this.unpicked.delete(cut);
    const fresh = picked.length > 0 && this.sent.size > 0 ? picked.filter((t) => !this.sent.has(t.id)) : picked;
    for (const t of fresh) this.sent.set(t.id, t.timestamp);
    const floor = this.floor();
    for (const [id, ts] of this.sent) if (ts < floor) this.sent.delete(id);
    return fresh;
  }
}

/** Where one or more holes lie: after the trade at `from`, up to the stream's pick-up at `until` (once it picked up). */
export interface HoleSpan {
  readonly from: number;
  readonly until?: number;
}

/** Where holes lie together: from the earliest edge to the latest pick-up (open while any is: `until` unknown or Infinity). */
export function joinSpans(spans: ReadonlyArray<{ readonly from: number; readonly until?: number }>): HoleSpan {
  let from = Number.POSITIVE_INFINITY;
  let until = Number.NEGATIVE_INFINITY;
  for (const s of spans) {
    from = Math.min(from, s.from);
    until = Math.max(until, s.until ?? Number.POSITIVE_INFINITY);
  }
  return until === Number.POSITIVE_INFINITY ? { from } : { from, until };
}

/** The holes of one or more drops, as the stream left them: from REST's trades, those it never sent. */
export class HoleCut {
  private waiting: Array<() => void> | undefined;

  constructor(
    private readonly edges: readonly HoleEdge[],
    private readonly streamed: Set<string>,
    private readonly late: LateLedger,
  ) {}

  /** Where the (oldest) hole begins: REST's trades from here on may hold its trades. */
  get from(): number {
    return Math.min(...this.edges.map((e) => e.from));
  }

  /** Where its holes lie, as far as known now. */
  get span(): HoleSpan {
    return joinSpans(this.edges);
  }

  /**
   * The holes' trades among `rest` (in its order): after a drop's edge, before the stream picked up, not streamed, and
   * not sent late by another hole's cut. Called once: what it returns counts as sent.
   */
  pick(rest: readonly Trade[]): readonly Trade[] {
    const out: Trade[] = [];
    for (const t of rest) if (this.edges.some((e) => inHole(e, t)) && !this.streamed.has(t.id)) out.push(t);
    const fresh = this.late.send(this, out);
    return fresh.length > 0 ? fresh : NONE;
  }

  /**
   * True once the stream picked up after every hole of the cut (at once if it had when taken), false if `signal`
   * aborted first. Until then REST's answer may hold trades the stream is still to send (its window reaching past the
   * take): a pick waits for this, so that those end the hole instead of going out late and then again live.
   */
  pickedUp(signal: AbortSignal): Promise<boolean> {
    if (this.edges.every((e) => e.until !== Number.POSITIVE_INFINITY)) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiters = (this.waiting ??= []);
      const onAbort = () => {
        waiters.splice(waiters.indexOf(done), 1);
        resolve(false);
      };
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      waiters.push(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * A batch streamed while the cut waits to be picked (a lost hole asked again): its trades inside the holes, out of
   * time order or resent, are the stream's. Only those from the oldest edge on are kept: the set stays the hole's size.
   * A hole still open ends where the batch picks up after it: the cut's taker follows the stream itself, and the
   * StreamHoles that gave it may have stopped (its candle factory disposed); one still following ends it alike.
   */
  streamedMeanwhile(batch: readonly Trade[]): void {
    this.pickUpOpen(batch);
    const from = this.from;
    const until = this.span.until ?? Number.POSITIVE_INFINITY;
    for (const t of batch) if (t.timestamp >= from && t.timestamp <= until) this.streamed.add(t.id);
  }

  /** As StreamHoles.pickUp: the open holes (all from the stream's newest at the drop) end at the batch's oldest trade after it. */
  private pickUpOpen(batch: readonly Trade[]): void {
    let closedAt: number | undefined;
    for (const e of this.edges) {
      if (e.until !== Number.POSITIVE_INFINITY) continue;
      const picked = pickUpAfter(e.from, batch);
      if (!picked) continue;
      e.until = picked.at;
      e.untilIds = picked.ids;
      closedAt = picked.at;
    }
    if (closedAt !== undefined && this.edges.every((e) => e.until !== Number.POSITIVE_INFINITY)) this.streamedUpTo(closedAt, batch);
  }

  /** The batch that picked up after the hole, given already: its trades up to the pick-up the stream sent. */
  streamedUpTo(until: number, batch: readonly Trade[]): void {
    for (const t of batch) if (t.timestamp <= until) this.streamed.add(t.id);
    const waiters = this.waiting;
    this.waiting = undefined;
    for (const done of waiters ?? []) done();
  }
}

/** Where a batch picks up after a hole's edge: its oldest trade after `from`, and that millisecond's ids; none if it only resends. */
function pickUpAfter(from: number, batch: readonly Trade[]): { readonly at: number; readonly ids: readonly string[] } | undefined {
  let oldest = Number.POSITIVE_INFINITY;
  for (const t of batch) if (t.timestamp > from && t.timestamp < oldest) oldest = t.timestamp;
  if (oldest === Number.POSITIVE_INFINITY) return undefined;
  return { at: oldest, ids: batch.filter((t) => t.timestamp === oldest).map((t) => t.id) };
}

function inHole(edge: Readonly<HoleEdge>, t: Trade): boolean {
  const { from, ids, until, untilIds } = edge;
  if (t.timestamp < from || (t.timestamp === from && ids.includes(t.id))) return false;
  // From the first streamed trade on, the stream sent them (a buffer let go at an earlier job's end would not say so).
  return !(t.timestamp > until || (t.timestamp === until && untilIds.includes(t.id)));
}
