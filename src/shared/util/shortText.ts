/**
 * Untrusted text (a file's value, a page's field, an exchange's name) as it may appear in a message: at most a
 * few dozen characters of it, its start and end kept, control characters escaped so that it cannot break a log
 * line. A message that repeated a 100,000-character value whole filled the notification, the log and the view.
 */

/** Characters of a value shown in a message; a longer one keeps its start and end around an ellipsis. */
export const SHORT_TEXT_CHARS = 48;
const TAIL_CHARS = 12;

/** `"value"`, or `"start…end" (N characters)` when longer than `max`; control characters and quotes escaped (\n, \"). */
export function quoteShort(value: string, max = SHORT_TEXT_CHARS): string {
  const { text, cut } = shortened(value, max, escapeQuoted);
  return cut ? `"${text}" (${value.length.toLocaleString('en')} characters)` : `"${text}"`;
}

/** Text that is a message itself (an error's): whole up to `max` characters, else `start… (N characters)`; control characters escaped. */
export function shortText(value: string, max: number): string {
  const { text, cut } = shortened(value, max, escapeControls);
  return cut ? `${text} (${value.length.toLocaleString('en')} characters)` : text;
}

/**
 * Characters of an error's text a log line or a notification says (an exchange's error can be a whole HTML page, a
 * 50 KB log line): its start says what happened; its length is said after.
 */
export const MAX_ERROR_TEXT_CHARS = 1000;

/** An error's text as a log line or a notification says it: whole up to MAX_ERROR_TEXT_CHARS, else its start, end and length, on one line. */
export const errorText = (message: string): string => shortText(message, MAX_ERROR_TEXT_CHARS);

function shortened(value: string, max: number, escape: (s: string) => string): { text: string; cut: boolean } {
  if (value.length <= max) return { text: escape(value), cut: false };
  const tail = Math.min(TAIL_CHARS, Math.floor(max / 4));
  const head = cutAt(value, max - tail - 1);
  const end = value.slice(startAt(value, value.length - tail));
  return { text: `${escape(head)}…${escape(end)}`, cut: true };
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_AND_QUOTES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029"\\]/g;

const escapeControls = (s: string): string => s.replace(CONTROLS, escapeOne);
const escapeQuoted = (s: string): string => s.replace(CONTROLS_AND_QUOTES, escapeOne);

function escapeOne(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** The first `n` characters, one fewer when the cut would split a surrogate pair. */
function cutAt(s: string, n: number): string {
  return isLowSurrogate(s.charCodeAt(n)) ? s.slice(0, n - 1) : s.slice(0, n);
}

/** `i`, one more when it would start inside a surrogate pair. */
function startAt(s: string, i: number): number {
  return isLowSurrogate(s.charCodeAt(i)) ? i + 1 : i;
}

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
