/**
 * Text the page takes: a field of a host message over its `str(N)` limit makes the page drop the whole message (and
 * keep showing the old state), and an exchange's error can carry a whole HTML page. The start says what happened, so
 * it is kept; `…` ends a shortened one.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = max - 1;
  // never half of a surrogate pair before the ellipsis
  return `${text.slice(0, isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end)}…`;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
