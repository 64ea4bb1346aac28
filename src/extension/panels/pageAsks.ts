import type { Logger } from '../../core/util/log';
import { RateLimiter } from '../../shared/util/rateLimiter';
import { TrailingThrottle } from './trailingThrottle';

/** A page loads at most a few times a second (shown, hidden, shown): asks more often than this are answered together. */
export const ASK_INTERVAL_MS = 250;
/** Asks answered together with another that make a page's flood worth a line in the log. */
const FLOOD_ASKS = 20;

/**
 * What a panel's page may cost the host, held to what a page does (a page is untrusted): its ready's resync and its
 * bundle's post are answered at most once per ASK_INTERVAL_MS (none lost: trailingThrottle.ts), a flood is named once
 * in the log, and its log lines and the host's lines about its bad messages are at most 30 per 10 s. No vscode import.
 */
export class PageAsks {
  private readonly resyncs: TrailingThrottle;
  private readonly scripts: TrailingThrottle;
  private readonly lines = new RateLimiter(30, 10_000);
  private floodReported = false;

  constructor(
    /** Names the panel in the log ("chart panel \"BTC/USDT · 1m\""), as it is titled now. */
    private readonly panelName: () => string,
    private readonly log: Logger,
    resync: () => void,
    postScript: () => void,
  ) {
    this.resyncs = new TrailingThrottle(resync, ASK_INTERVAL_MS);
    this.scripts = new TrailingThrottle(postScript, ASK_INTERVAL_MS);
  }

  /** The page's ready asks for the panel's data. */
  resync(): void {
    this.answer(this.resyncs, 'its data');
  }

  /** The page asks for its bundle again. */
  script(): void {
    this.answer(this.scripts, 'its bundle');
  }

  /** A line about or from the page (then one saying how many were left out, once the limit's window has passed). */
  line(level: 'info' | 'warn' | 'error', line: string): void {
    const { allow, suppressedBefore } = this.lines.take(Date.now());
    if (suppressedBefore > 0) this.log.warn(`${this.panelName()}: ${suppressedBefore} lines from its page were left out (rate limit)`);
    if (allow) this.log[level](`${this.panelName()}: ${line}`);
  }

  dispose(): void {
    this.resyncs.dispose();
    this.scripts.dispose();
  }

  private answer(answers: TrailingThrottle, what: string): void {
    answers.ask();
    if (answers.merged < FLOOD_ASKS || this.floodReported) return;
    this.floodReported = true;
    this.log.warn(`${this.panelName()}: its page asked for ${what} ${answers.merged} times more than once per ${ASK_INTERVAL_MS} ms; answered at most that often`);
  }
}
