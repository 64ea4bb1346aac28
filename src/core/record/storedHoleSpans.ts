/**
 * The holes stored of a market, by kind and reason: a hole that grew while a batch carried it (a fill's end found
 * meanwhile, more rows dropped) is stored again only for the part not yet stored, and so is one a new run continues
 * over a hole the run before it stored (a reload, a crash: it is told those when it reads where the store ends), so the
 * stored holes of one kind and reason never overlap. Done at write rather than only at read: the store is read by
 * DuckDB, pandas and ClickHouse queries too, which would count an overlap twice.
 */
import { holeKey, type RecordingHole } from './recordTypes';

/** Kinds and reasons remembered at most (a failed fetch's reason carries its error, so they are not a fixed few). */
const MAX_REASONS = 64;
/** Spans remembered per kind and reason, the newest: a new hole reaches back at most a little before the last trade. */
const MAX_SPANS = 8;

interface Span {
  readonly from: number;
  readonly until: number;
}

export class StoredHoleSpans {
  /** Per kind and reason, the newest stored spans, apart (touching or overlapping parts stored are one span). */
  private readonly byKey = new Map<string, Span[]>();

  /**
   * The parts of `holes` not stored yet, in their order: each less the spans stored of its kind and reason and less
   * the holes of those before it in the list (a hole that grew on both sides gives two parts). A batch carries a few.
   */
  unstored(holes: readonly RecordingHole[]): RecordingHole[] {
    const out: RecordingHole[] = [];
    for (const h of holes) {
      const key = holeKey(h);
      let parts: RecordingHole[] = [h];
      for (const stored of this.byKey.get(key) ?? []) parts = parts.flatMap((p) => minus(p, stored));
      for (const earlier of out) if (holeKey(earlier) === key) parts = parts.flatMap((p) => minus(p, earlier));
      out.push(...parts);
    }
    return out;
  }

  /**
   * Notes parts as stored (from unstored). Returns each as the hole it is part of, and whether it is a new one rather
   * than the rest of one stored before (the state counts holes, not the parts they were written in).
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

  private add(hole: RecordingHole): { span: Span; joined: boolean } {
    const key = holeKey(hole);
    const was = this.byKey.get(key) ?? [];
    let span: Span = { from: hole.from, until: hole.until };
    const apart: Span[] = [];
    for (const s of was) {
      if (span.from <= s.until && span.until >= s.from) span = { from: Math.min(s.from, span.from), until: Math.max(s.until, span.until) };
      else apart.push(s);
    }
    const spans = [...apart, span].sort((a, b) => a.until - b.until).slice(-MAX_SPANS);
    this.byKey.delete(key);
    this.byKey.set(key, spans);
    if (this.byKey.size > MAX_REASONS) this.byKey.delete(this.byKey.keys().next().value as string);
    return { span, joined: apart.length < was.length };
  }
}

/** `hole` less `span`: none, one or two parts. */
function minus(hole: RecordingHole, span: Span): RecordingHole[] {
  if (hole.until <= span.from || hole.from >= span.until) return [hole];
  const out: RecordingHole[] = [];
  if (hole.from < span.from) out.push({ ...hole, until: span.from });
  if (hole.until > span.until) out.push({ ...hole, from: span.until });
  return out;
}
