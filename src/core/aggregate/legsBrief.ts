/**
 * An aggregate's state in a few words, for a badge the whole reason would not fit: its legs that are not live, counted
 * by what they are (`1 leg stale`, `2 legs stale, 1 failed`), in the order first met; the reason names each.
 */
export function legsBrief(words: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].map(([word, n], i) => (i === 0 ? `${n} ${n === 1 ? 'leg' : 'legs'} ${word}` : `${n} ${word}`)).join(', ');
}
