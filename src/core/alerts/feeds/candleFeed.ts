/**
 * The candles subscription of one (exchange, symbol, timeframe), shared by its bar-based rules. It asks the hub
 * for enough history for every rule's warm-up (and at least the engine's minimum, so that a chart opened later on
 * the same market still gets its usual depth from the shared factory). A rule added later that needs more than
 * the bars held gets them from a one-off REST top-up: the factory keeps the depth it was seeded with.
 */
import type { CandleEvent, Subscription } from '../../hub/requests';
import { bucketStart, timeframeMs, type Timeframe } from '../../timeframes';
import { assertNever } from '../../util/assertNever';
import { errorMessage } from '../../util/log';
import { BarTracker } from '../eval/barTracker';
import type { EvaluatorGroup } from '../eval/evaluatorGroup';
import type { FeedTrouble } from '../ruleStatus';
import { Feed, type FeedContext } from './feed';
import type { FeedSpec } from './feedSpec';

/** Bars held beyond the largest warm-up, so a revision rebuild starts from a little more history. */
const MARGIN = 10;

/** One object: the engine compares troubles by identity (see StatusUpkeep). */
const HOLDING: FeedTrouble = { kind: 'catching_up', reason: 'bar closes wait for the partial bars they read to be whole' };

export class CandleFeed extends Feed {
  private readonly tracker: BarTracker;
  private readonly timeframe: Timeframe;
  /** The history requested from the hub. */
  private readonly requested: number;
  /** The most closed bars a member rule needs. */
  private need = 0;
  /** Depth a top-up was already attempted for (the exchange may simply have no older bars). */
  private toppedUpFor = 0;
  private topUp: AbortController | undefined;

  constructor(spec: FeedSpec & { kind: 'candles' }, ctx: FeedContext, historyBars: number) {
    super(spec, ctx);
    this.timeframe = spec.timeframe;
    this.requested = historyBars;
    this.tracker = new BarTracker(spec.timeframe, historyBars + MARGIN, { mayStillSettle: () => super.trouble !== undefined, onSkipped: (times) => this.warnSkipped(times) });
  }

  /**
   * Besides the subscription's state: catching up while a rule's bar closes are held because bars they read are
   * partial (BarTracker), so a close that cannot go out in order is never dropped while the rule reads armed (one
   * given up once a later close reads whole bars is named in the log).
   */
  override get trouble(): FeedTrouble | undefined {
    return super.trouble ?? (this.tracker.holding ? HOLDING : undefined);
  }

  protected override joined(group: EvaluatorGroup, created: boolean): void {
    const ev = group.evaluator;
    this.need = Math.max(this.need, ev.input === 'candles' ? ev.warmupBars : 1);
    this.tracker.setCapacity(Math.max(this.need, this.requested) + MARGIN);
    if (created) this.tracker.add(group); // started from the bars held, if any
    else if (this.tracker.isLoaded) group.barsReset(this.tracker.closedBars, this.tracker.currentBar); // primes the new member
    this.ensureDepth();
  }

  protected override emptied(group: EvaluatorGroup): void {
    this.tracker.remove(group);
  }

  override dispose(): void {
    this.topUp?.abort();
    super.dispose();
  }

  /** The hub sends a snapshot of the bars before the new position next, which rebuilds every group (barsReset). */
  override rewound(): void {}

  /** Closed means final: a revision is a defect of the data, and close-triggered rules may have acted on the old bar. */
  private warnSkipped(times: readonly number[]): void {
    const bars = times.map((t) => new Date(t).toISOString()).join(', ');
    this.ctx.log.warn(`${this.description}: bar closes not evaluated (${bars}): the bars they read stayed partial (trades the exchange could not give again), and a later close reads whole bars`);
  }

  private warnRevised(time: number): void {
    this.ctx.log.warn(`${this.description}: the closed ${new Date(time).toISOString()} bar was revised after its close (rules acting on closes saw the earlier values)`);
  }

  protected subscribe(): Subscription {
    const { exchange, symbol } = this.spec;
    return this.ctx.hub.subscribe({ kind: 'candles', exchange, symbol, timeframe: this.timeframe, historyBars: this.requested }, (e: CandleEvent) => {
      switch (e.type) {
        case 'cached':
          return; // rules evaluate the topped-up snapshot that follows, never bars that may be hours old
        case 'snapshot':
          this.tracker.snapshot(e.candles, this.ctx.clock.now());
          this.ensureDepth();
          this.changed();
          return;
        case 'deltas':
          this.dataError = undefined;
          for (const d of e.deltas) if (d.kind === 'revised') this.warnRevised(d.candle.time);
          this.tracker.deltas(e.deltas, e.dataTime);
          this.changed();
          return;
        case 'state':
          return this.onState(e.state);
        case 'error':
          return this.onError(e.message);
        default:
          assertNever(e);
      }
    });
  }

  /** Fetches older bars over REST when the rules need more closed bars than the hub's snapshot had. */
  private ensureDepth(): void {
    const have = this.tracker.closedBars.length;
    const need = this.need;
    if (!this.tracker.isLoaded || have >= need || this.toppedUpFor >= need || this.topUp) return;
    this.toppedUpFor = need;
    const first = this.tracker.closedBars[0]?.time ?? this.tracker.currentBar?.time ?? bucketStart(this.timeframe, this.ctx.clock.now());
    const from = bucketStart(this.timeframe, first - (need - have + 2) * timeframeMs(this.timeframe));
    const abort = new AbortController();
    this.topUp = abort;
    this.ctx.hub.candlesBetween(this.spec, this.timeframe, from, first, { signal: abort.signal }).then(
      (older) => {
        this.topUp = undefined;
        if (abort.signal.aborted) return;
        this.tracker.prepend(older);
        this.ensureDepth(); // a rule added meanwhile may need still more
        this.changed();
      },
      (err: unknown) => {
        this.topUp = undefined;
        if (!abort.signal.aborted) this.ctx.log.warn(`${this.description}: could not load older bars: ${errorMessage(err)}`);
      },
    );
  }
}
