/** Duration strings of alerts.yaml: one or more `<number><unit>` parts, e.g. `30s`, `5m`, `1h30m`, `1d`, `250ms`. */

/**
 * The longest duration a config may give (cooldowns, windows): a year. Longer ones are typos, and dates computed
 * from them leave the range of Date (a cooldown of 99999999w broke every status line of its rule).
 */
export const MAX_DURATION_DAYS = 365;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;
export const MAX_DURATION_MS = MAX_DURATION_DAYS * UNIT_MS.d;

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** Milliseconds, or undefined when `text` is not a duration string. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim();
  if (!WHOLE.test(compact)) return undefined;
  let total = 0;
  for (const match of compact.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** The shortest readable form: 90000 → "1m30s", 3600000 → "1h", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return parts.join('');
}
