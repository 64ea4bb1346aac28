/**
 * The holes a recorder has stored, by reason: a hole that grew while a batch carried it (a fill's end found meanwhile,
 * more trades dropped) is stored again only for the part not yet stored, so the stored holes of one reason never
 * overlap. Done at write rather than only at read: the store is read by DuckDB, pandas and ClickHouse queries too,
 * which would count an overlap twice.
 */
import type { RecordingHole } from './recordTypes';

/** Reasons remembered at most (a failed fetch's reason carries its error, so they are not a fixed few). */
const MAX_REASONS = 64;

export class StoredHoleSpans {
  /** Per reason, the newest stored span (touching or overlapping parts stored one after the other are one span). */
  private readonly byReason = new Map<string, { readonly from: number; readonly until: number }>();

  /**
   * The parts of `holes` not stored yet, in their order: each less the span stored of its reason and less the holes
   * of its reason before it in the list (a hole that grew on both sides gives two parts). A batch carries a few.
   */
  unstored(holes: readonly RecordingHole[]): RecordingHole[] {
    const out: RecordingHole[] = [];
    for (const h of holes) {
      let parts: RecordingHole[] = [h];
      const stored = this.byReason.get(h.reason);
      if (stored) parts = parts.flatMap((p) => minus(p, stored));
      for (const earlier of out) if (earlier.reason === h.reason) parts = parts.flatMap((p) => minus(p, earlier));
      out.push(...parts);
    }
    return out;
  }

  /**
   * Notes parts as stored (from unstored). Returns each as the hole it is part of, and whether it is a new one rather
   * than the rest of one stored before (the state counts holes, not the parts they were written in).
   */
  stored(parts: readonly RecordingHole[]): Array<{ readonly hole: RecordingHole; readonly isNew: boolean }> {
    const out: Array<{ readonly hole: RecordingHole; readonly isNew: boolean }> = [];
    for (const p of parts) {
      const was = this.byReason.get(p.reason);
      const joins = was !== undefined && p.from <= was.until && p.until >= was.from;
      const span = joins ? { from: Math.min(was.from, p.from), until: Math.max(was.until, p.until) } : was && was.until > p.until ? was : p;
      this.byReason.delete(p.reason);
      this.byReason.set(p.reason, span);
      if (this.byReason.size > MAX_REASONS) this.byReason.delete(this.byReason.keys().next().value as string);
      out.push({ hole: joins ? { ...span, reason: p.reason } : p, isNew: !joins });
    }
    return out;
  }
}

/** `hole` less `span`: none, one or two parts. */
function minus(hole: RecordingHole, span: { readonly from: number; readonly until: number }): RecordingHole[] {
  if (hole.until <= span.from || hole.from >= span.until) return [hole];
  const out: RecordingHole[] = [];
  if (hole.from < span.from) out.push({ from: hole.from, until: span.from, reason: hole.reason });
  if (hole.until > span.until) out.push({ from: span.until, until: hole.until, reason: hole.reason });
  return out;
}
