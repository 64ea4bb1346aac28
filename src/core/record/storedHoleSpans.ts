/**
 * The holes stored of a market, by kind: a hole that grew while a batch carried it (a fill's end found meanwhile, more
 * rows dropped) is stored again only for the part not yet stored, and so is one a new run continues over a hole the
 * run before it stored (a reload, a crash: it is told those when it reads where the store ends), and one of another
 * reason over a stored one of its kind (a drop during a reconnect's hole), so the stored holes of one kind never
 * overlap: the span is the first stored's, with its reason. Done at write rather than only at read: the store is read
 * by DuckDB, pandas and ClickHouse queries too, which would count an overlap twice.
 */
import { RECORD_KINDS, type HoleKind, type RecordingHole } from './recordTypes';

/** Spans remembered per kind, the newest: a new hole reaches back at most a little before the last trade. */
const MAX_SPANS = 16;

interface Span {
  readonly from: number;
  readonly until: number;
  readonly reason: string;
}

export class StoredHoleSpans {
  /** Per kind, the newest stored spans, apart (touching or overlapping parts of one reason stored are one span). */
  private readonly byKind = new Map<HoleKind, Span[]>(RECORD_KINDS.map((k) => [k, []]));

  /**
   * The parts of `holes` not stored yet, in their order: each less the spans stored of its kind and less the holes of
   * its kind before it in the list (a hole that grew on both sides gives two parts). A batch carries a few.
   */
  unstored(holes: readonly RecordingHole[]): RecordingHole[] {
    const out: RecordingHole[] = [];
    for (const h of holes) {
      let parts: RecordingHole[] = [h];
      for (const stored of this.spansOf(h.kind)) parts = parts.flatMap((p) => minus(p, stored));
      for (const earlier of out) if (earlier.kind === h.kind) parts = parts.flatMap((p) => minus(p, earlier));
      out.push(...parts);
    }
    return out;
  }

  /**
   * Notes parts as stored (from unstored). Returns each as the hole it is part of, and whether it is a new one rather
   * than the rest of one of its reason stored before (the state counts holes, not the parts they were written in).
   */
  stored(parts: readonly RecordingHole[]): Array<{ readonly hole: RecordingHole; readonly isNew: boolean }> {
    return parts.map((p) => {
      const { span, joined } = this.add(p);
      return { hole: joined ? { ...p, from: span.from, until: span.until } : p, isNew: !joined };
    });
  }

  /** Holes a run before this one stored (read where the store ends): what this one stores is clipped against them too. */
  storedBefore(holes: readonly RecordingHole[]): void {
    for (const h of holes) this.add(h);
  }

  private spansOf(kind: HoleKind): Span[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Joins the hole with the stored spans of its reason it touches or overlaps (those of other reasons it may overlap when read from an older store). */
  private add(hole: RecordingHole): { span: Span; joined: boolean } {
    const was = this.spansOf(hole.kind);
    let span: Span = { from: hole.from, until: hole.until, reason: hole.reason };
    const apart: Span[] = [];
    for (const s of was) {
      if (s.reason === span.reason && span.from <= s.until && span.until >= s.from) span = { ...span, from: Math.min(s.from, span.from), until: Math.max(s.until, span.until) };
      else apart.push(s);
    }
    this.byKind.set(hole.kind, [...apart, span].sort((a, b) => a.until - b.until).slice(-MAX_SPANS));
    return { span, joined: apart.length < was.length };
  }
}

/** `hole` less `span`: none, one or two parts. */
function minus(hole: RecordingHole, span: { readonly from: number; readonly until: number }): RecordingHole[] {
  if (hole.until <= span.from || hole.from >= span.until) return [hole];
  const out: RecordingHole[] = [];
  if (hole.from < span.from) out.push({ ...hole, until: span.from });
  if (hole.until > span.until) out.push({ ...hole, from: span.until });
  return out;
}
