/**
 * One hub subscription shared by every rule that needs it. Data is handed to each member rule's runner, then the
 * engine is told which rules may have changed status. Subclasses handle their event kinds.
 */
import type { Subscription } from '../../hub/requests';
import type { StreamState } from '../../types';
import type { Clock } from '../../util/clock';
import { errorMessage, type Logger } from '../../util/log';
import type { BarConsumer } from '../eval/barTracker';
import type { RuleRunner } from '../eval/ruleRunner';
import type { AlertHub } from '../alertHub';
import { describeFeed, type FeedSpec } from './feedSpec';

/** A rule attached to a feed. */
export interface FeedMember extends BarConsumer {
  readonly runner: RuleRunner;
}

export interface FeedContext {
  readonly hub: AlertHub;
  readonly clock: Clock;
  readonly log: Logger;
  /** Members whose status may have changed (after a batch, an error, a state change). */
  onChange(members: readonly FeedMember[]): void;
}

export abstract class Feed {
  protected readonly members = new Set<FeedMember>();
  protected subscription: Subscription | undefined;
  /** The subscription was refused (unknown exchange or symbol …): nothing will come. */
  private fatal: string | undefined;
  private streamError: string | undefined;
  /** An error event (e.g. history unavailable); cleared by the next data. */
  protected dataError: string | undefined;
  private wasLive = false;
  private disposed = false;

  constructor(
    readonly spec: FeedSpec,
    protected readonly ctx: FeedContext,
  ) {}

  get error(): string | undefined {
    return this.fatal ?? this.streamError ?? this.dataError;
  }

  get size(): number {
    return this.members.size;
  }

  get description(): string {
    return describeFeed(this.spec);
  }

  add(member: FeedMember): void {
    this.members.add(member);
  }

  remove(member: FeedMember): void {
    this.members.delete(member);
  }

  start(): void {
    const sub = this.subscribe();
    this.subscription = sub;
    sub.ready.catch((err: unknown) => {
      if (this.disposed) return;
      this.fatal = cleanError(err);
      this.ctx.log.warn(`${this.description}: ${this.fatal}`);
      this.changed();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.members.clear();
  }

  protected abstract subscribe(): Subscription;

  /** Reconnects and failures; a gap after being live is reported to the rules (see RuleRunner.gap). */
  protected onState(state: StreamState): void {
    switch (state.status) {
      case 'live':
        this.wasLive = true;
        this.streamError = undefined;
        break;
      case 'reconnecting':
        if (this.wasLive) {
          this.wasLive = false;
          this.onGap();
        }
        break;
      case 'failed':
        this.streamError = `stream failed: ${state.reason}`;
        break;
      case 'connecting':
      case 'stopped':
        break;
    }
    this.changed();
  }

  protected onError(message: string): void {
    if (this.subscription === undefined) return;
    this.dataError = message;
    this.ctx.log.warn(`${this.description}: ${message}`);
    this.changed();
  }

  /** Called after a reconnect gap; tick-based feeds reset windowed rule state. */
  protected onGap(): void {}

  protected changed(): void {
    if (!this.disposed) this.ctx.onChange([...this.members]);
  }

  protected forEachMember(f: (m: FeedMember) => void): void {
    for (const m of this.members) {
      try {
        f(m);
      } catch (err) {
        this.ctx.log.error(`alert rule ${m.runner.rule.id} threw: ${errorMessage(err)}`);
      }
    }
  }
}

function cleanError(err: unknown): string {
  return errorMessage(err).replace(/^\w*Error: /, '');
}
