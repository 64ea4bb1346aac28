/** Where the partial-liquidations hatching goes. Pure. */

/** A stretch of the pane in CSS px, left to right. */
export interface Span {
  readonly left: number;
  readonly right: number;
}

/**
 * Bars `width` px wide centred at `xs` (ascending), adjacent ones (centres at most 1.5 bar spacings apart: no bar
 * between) or overlapping ones joined into one span. Hatched bar by bar, a run of 3 px bars shows a few unaligned
 * dashes; as one span its pattern reads.
 */
export function partialSpans(xs: readonly number[], barSpacing: number, width: number): Span[] {
  const out: Array<{ left: number; right: number }> = [];
  let prev: number | undefined;
  for (const x of xs) {
    const last = out.at(-1);
    if (last && prev !== undefined && (x - prev <= 1.5 * barSpacing || x - width / 2 <= last.right)) last.right = x + width / 2;
    else out.push({ left: x - width / 2, right: x + width / 2 });
    prev = x;
  }
  return out;
}
