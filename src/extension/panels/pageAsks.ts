import { errorMessage, type Logger } from '../../core/util/log';
import { scheduleTimeout, type Schedule } from '../schedule';
import { RateLimiter } from '../../shared/util/rateLimiter';
import type { WebviewMethod } from '../../shared/protocol';
import { LatestWins } from './latestWins';
import { TrailingThrottle } from './trailingThrottle';

/** A page loads at most a few times a second (shown, hidden, shown): asks more often than this are answered together. */
export const ASK_INTERVAL_MS = 250;
/** Asks answered together with another that make a page's flood worth a line in the log. */
const FLOOD_ASKS = 20;

/** A page command the host acts on at most once per ASK_INTERVAL_MS (see PageAsks.costly). */
export interface CostlyCommand<T> {
  ask(value: T): void;
  /** Forgets the ask waiting (what it was about is gone). */
  clear(): void;
}

/**
 * What a panel's page may cost the host, held to what a page does (a page is untrusted): its ready's resync and its
 * bundle's post are answered at most once per ASK_INTERVAL_MS (none lost: trailingThrottle.ts), so are its costly
 * commands (settings writes, requests to the exchange: the latest wins, latestWins.ts), a flood is named once in the
 * log per kind of ask, and its log lines and the host's lines about its bad messages are at most 30 per 10 s. No
 * vscode import.
 */
export class PageAsks {
  private readonly resyncs: TrailingThrottle;
  private readonly scripts: TrailingThrottle;
  private readonly lines = new RateLimiter(30, 10_000);
  private floodReported = false;
  private readonly commands: Array<{ dispose(): void }> = [];
  private readonly floodedCommands = new Set<WebviewMethod>();

  constructor(
    /** Names the panel in the log ("chart panel \"BTC/USDT · 1m\""), as it is titled now. */
    private readonly panelName: () => string,
    private readonly log: Logger,
    resync: () => void,
    postScript: () => void,
    /** The clock and timers (tests move them by hand). */
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: Schedule = scheduleTimeout,
  ) {
    this.resyncs = new TrailingThrottle(resync, ASK_INTERVAL_MS, now, schedule);
    this.scripts = new TrailingThrottle(postScript, ASK_INTERVAL_MS, now, schedule);
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

  /**
   * A command whose handling is costly, acted on at once, then at most once per ASK_INTERVAL_MS and one act at a
   * time (a promise from `act` holds the next until it settles): asks meanwhile are replaced by the latest, or
   * merged into it by `merge`. `asks`: how many asks the act answers.
   */
  costly<T>(method: WebviewMethod, act: (value: T, asks: number) => void | PromiseLike<unknown>, merge?: (waiting: T, next: T) => T): CostlyCommand<T> {
    const gate = new LatestWins<T>(act, ASK_INTERVAL_MS, { ...(merge ? { merge } : {}), onError: (err) => this.log.error(`${this.panelName()}: ${method} failed: ${errorMessage(err)}`), now: this.now, schedule: this.schedule });
    this.commands.push(gate);
    return {
      ask: (value) => {
        gate.ask(value);
        if (gate.merged < FLOOD_ASKS || this.floodedCommands.has(method)) return;
        this.floodedCommands.add(method);
        this.log.warn(`${this.panelName()}: its page sent ${method} ${gate.merged} times more than once per ${ASK_INTERVAL_MS} ms; acted on the latest at most that often`);
      },
      clear: () => gate.clear(),
    };
  }

  dispose(): void {
    this.resyncs.dispose();
    this.scripts.dispose();
    for (const c of this.commands) c.dispose();
  }

  private answer(answers: TrailingThrottle, what: string): void {
    answers.ask();
    if (answers.merged < FLOOD_ASKS || this.floodReported) return;
    this.floodReported = true;
    this.log.warn(`${this.panelName()}: its page asked for ${what} ${answers.merged} times more than once per ${ASK_INTERVAL_MS} ms; answered at most that often`);
  }
}
