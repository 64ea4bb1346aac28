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
 */
export class StreamHoles {
  private newest = Number.NEGATIVE_INFINITY;
  private readonly newestIds: string[] = [];
  /** The holes not given yet, oldest first. */
  private pending: HoleEdge[] = [];
  private lastDrop: HoleEdge | undefined;
  private drops = 0;

  /** O(batch), no allocation but the ids of the newest millisecond (and of a hole's end, once). */
  streamed(batch: readonly Trade[]): void {
    const open = this.lastDrop?.until === Number.POSITIVE_INFINITY ? this.lastDrop : undefined;
    if (open) {
      // A resend of trades from before the drop (Coinbase's on subscribing) is not where the stream picked up again.
      let oldest = Number.POSITIVE_INFINITY;
      for (const t of batch) if (t.timestamp > open.from && t.timestamp < oldest) oldest = t.timestamp;
      if (oldest !== Number.POSITIVE_INFINITY) {
        open.until = oldest;
        open.untilIds = batch.filter((t) => t.timestamp === oldest).map((t) => t.id);
      }
    }
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
   * from REST's answers with. `mark` is mark()'s at the job's start: the holes of drops after it (during the job) wait
   * for the next job, but for the oldest pending one, which this job gives in any case.
   */
  take(mark: number, buffered: readonly Trade[]): HoleCut | undefined {
    const given = this.pending.filter((e, i) => i === 0 || e.drop <= mark);
    if (given.length === 0) return undefined;
    this.pending = this.pending.filter((e, i) => i !== 0 && e.drop > mark);
    // Copied now: the buffer is let go when the job ends, REST's answer for the hole's start may come later.
    const edges = given.map((e) => ({ ...e }));
    const until = Math.max(...edges.map((e) => e.until));
    const streamed = new Set<string>();
    for (const b of buffered) if (b.timestamp <= until) streamed.add(b.id);
    return new HoleCut(edges, streamed);
  }
}

/** The holes of one or more drops, as the stream left them: from REST's trades, those it never sent. */
export class HoleCut {
  constructor(
    private readonly edges: readonly Readonly<HoleEdge>[],
    private readonly streamed: ReadonlySet<string>,
  ) {}

  /** Where the (oldest) hole begins: REST's trades from here on may hold its trades. */
  get from(): number {
    return Math.min(...this.edges.map((e) => e.from));
  }

  /** The holes' trades among `rest` (in its order): after a drop's edge, before the stream picked up, not streamed. */
  pick(rest: readonly Trade[]): readonly Trade[] {
    const out: Trade[] = [];
    for (const t of rest) if (this.edges.some((e) => inHole(e, t)) && !this.streamed.has(t.id)) out.push(t);
    return out.length > 0 ? out : NONE;
  }
}

function inHole(edge: Readonly<HoleEdge>, t: Trade): boolean {
  const { from, ids, until, untilIds } = edge;
  if (t.timestamp < from || (t.timestamp === from && ids.includes(t.id))) return false;
  // From the first streamed trade on, the stream sent them (a buffer let go at an earlier job's end would not say so).
  return !(t.timestamp > until || (t.timestamp === until && untilIds.includes(t.id)));
}
