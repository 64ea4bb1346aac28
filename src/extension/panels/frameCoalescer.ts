import type { HostMessage, HostMethod } from '../../shared/protocol';

/** A message, or a function that builds it at flush time (so expensive views are built once per frame). */
export type Pending = HostMessage | { readonly method: HostMessage['method']; readonly build: () => HostMessage };

export type Scheduler = (flush: () => void) => { cancel(): void };

export const frameScheduler: Scheduler = (flush) => {
  const t = setTimeout(flush, 16);
  return { cancel: () => clearTimeout(t) };
};

type MessageOf<M extends HostMethod> = Extract<HostMessage, { method: M }>;

/** How a message kind combines with what is already queued in the frame; without a rule the newest one wins. */
export interface MergeRule<M extends HostMethod> {
  /** Folds a newer message into the queued one of the same method (which keeps its place in the batch). */
  readonly merge?: (queued: MessageOf<M>, next: MessageOf<M>) => MessageOf<M>;
  /** Queued messages of these methods are obsolete once this one is queued (a snapshot covers earlier changes). */
  readonly supersedes?: readonly HostMethod[];
}

export type MergeRules = { readonly [M in HostMethod]?: MergeRule<M> };

/**
 * Gathers what a panel should be told and sends it at most once per frame, as one `panel/batch`, whatever the
 * trade rate. A message replaces its earlier copy of the same method unless its kind has a merge rule (each panel
 * brings the rules of its own messages). While the panel is hidden nothing is gathered: posts to hidden webviews
 * are lost, so the panel resyncs when shown. No vscode import: unit-tested in plain Node.
 */
export class FrameCoalescer {
  private readonly pending = new Map<HostMethod, Pending>();
  private timer: { cancel(): void } | undefined;
  private paused = false;
  private disposed = false;

  constructor(
    private readonly post: (message: HostMessage) => void,
    private readonly schedule: Scheduler = frameScheduler,
    private readonly rules: MergeRules = {},
  ) {}

  send(message: Pending): void {
    if (this.paused || this.disposed) return;
    const rule = this.rules[message.method] as MergeRule<HostMethod> | undefined;
    for (const method of rule?.supersedes ?? []) this.pending.delete(method);
    const queued = this.pending.get(message.method);
    if (rule?.merge && queued && !('build' in queued) && !('build' in message)) {
      this.pending.set(message.method, rule.merge(queued, message));
    } else {
      this.pending.delete(message.method); // re-inserted last, so the batch keeps arrival order
      this.pending.set(message.method, message);
    }
    this.timer ??= this.schedule(() => this.flush());
  }

  /**
   * Runs `gather` and returns what it sent as one batch, merged by the same rules, instead of posting it (the caller
   * posts it its own way). What was queued before goes first, posted as usual. Paused, nothing is gathered.
   */
  take(gather: () => void): HostMessage | undefined {
    this.timer?.cancel();
    this.flush();
    gather();
    this.timer?.cancel();
    this.timer = undefined;
    return this.pending.size === 0 || this.disposed ? undefined : this.batch();
  }

  /** Hidden: drop what is queued and gather nothing until resumed. */
  pause(): void {
    this.paused = true;
    this.clear();
  }

  resume(): void {
    this.paused = false;
  }

  flush(): void {
    this.timer = undefined;
    if (this.pending.size === 0 || this.disposed) return;
    this.post(this.batch());
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private batch(): HostMessage {
    const messages = [...this.pending.values()].map((m) => ('build' in m ? m.build() : m));
    this.pending.clear();
    return { method: 'panel/batch', params: { messages } };
  }

  private clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending.clear();
  }
}
