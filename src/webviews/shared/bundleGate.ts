/**
 * When a page's posted bundle runs (see shared/pageScript.ts): once, when its text has come and the page lets it
 * (a chart's preview lets it after the frame with the cached bars is on screen; any other page at once). Pure.
 */
export class BundleGate {
  private text: string | undefined;
  private allowed = false;
  private ran = false;

  constructor(private readonly run: (text: string) => void) {}

  /** Whether the bundle's text is still to come. */
  get awaited(): boolean {
    return this.text === undefined && !this.ran;
  }

  /** The bundle's text arrived; a second copy (posted again on request) is ignored. */
  received(text: string): void {
    if (!this.awaited) return;
    this.text = text;
    this.runIfDue();
  }

  /** The page may run the bundle as soon as it has it. */
  allow(): void {
    this.allowed = true;
    this.runIfDue();
  }

  private runIfDue(): void {
    if (this.ran || !this.allowed || this.text === undefined) return;
    const text = this.text;
    this.ran = true;
    this.text = undefined;
    this.run(text);
  }
}
