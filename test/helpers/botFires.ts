/** The alerts a spawned bot printed as JSON lines (console notifier, `json: true`), read back and checked field by field. */

/** One printed alert, and where in the bot's stdout it was (its order against the other lines). */
export interface PrintedFire {
  readonly ruleId: string;
  readonly message: string;
  readonly value: number;
  readonly firedAt: number;
  readonly barTime: number | undefined;
  /** Index of the line in the bot's stdout. */
  readonly line: number;
}

/** Every alert line of `out`; a line that starts as JSON but is not an alert fails, naming the line. */
export function printedFires(out: readonly string[]): PrintedFire[] {
  const fires: PrintedFire[] = [];
  out.forEach((text, line) => {
    if (!text.startsWith('{')) return;
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`stdout line ${line} is not an alert: ${text}`);
    const o = parsed as Record<string, unknown>;
    const { ruleId, message, value, firedAt, barTime } = o;
    if (typeof ruleId !== 'string' || typeof message !== 'string' || typeof value !== 'number' || typeof firedAt !== 'number' || (barTime !== undefined && typeof barTime !== 'number')) {
      throw new Error(`stdout line ${line} lacks an alert's fields: ${text}`);
    }
    fires.push({ ruleId, message, value, firedAt, barTime, line });
  });
  return fires;
}

/** Matches the JSON line of `ruleId`'s fire on the bar opening at `barTime`. */
export function fireLine(ruleId: string, barTime: number): RegExp {
  return new RegExp(`^\\{(?=.*"ruleId":"${ruleId}")(?=.*"barTime":${barTime}[,}])`);
}
