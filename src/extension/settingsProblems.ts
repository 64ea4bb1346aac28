/** Reports each settings problem once: a log line per problem and one warning naming the first new one. */
export class SettingsProblemReporter {
  private reported = new Set<string>();

  constructor(
    private readonly log: (problem: string) => void,
    private readonly warn: (message: string) => void,
  ) {}

  /** The problems of the current settings; those already reported (and still there) are not repeated. */
  report(problems: readonly string[]): void {
    const fresh = problems.filter((p) => !this.reported.has(p));
    this.reported = new Set(problems);
    for (const p of fresh) this.log(p);
    if (fresh.length > 0) this.warn(`TradeSuite settings: ${fresh[0]}${fresh.length > 1 ? ` (and ${fresh.length - 1} more in the TradeSuite log)` : ''}`);
  }
}
