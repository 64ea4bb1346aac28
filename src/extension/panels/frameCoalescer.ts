import type { CandleWire, HostMessage } from '../../shared/protocol';

/** A message, or a function that builds it at flush time (so expensive views are built once per frame). */
export type Pending = HostMessage | { readonly method: HostMessage['method']; readonly build: () => HostMessage };

export type Scheduler = (flush: () => void) => { cancel(): void };

export const frameScheduler: Scheduler = (flush) => {
  const t = setTimeout(flush, 16);
  return { cancel: () => clearTimeout(t) };
};

/**
 * Gathers what a panel should be told and sends it at most once per frame, as one `panel/batch`, whatever the
 * trade rate. Candle changes merge by bar time (latest wins); other messages replace their earlier copy. While
 * the panel is hidden nothing is gathered: posts to hidden webviews are lost, so the panel resyncs when shown.
 * No vscode import: unit-tested in plain Node.
 */
export class FrameCoalescer {
  private readonly pending = new Map<string, Pending>();
  private candles = new Map<number, CandleWire>();
  private timer: { cancel(): void } | undefined;
  private paused = false;
  private disposed = false;

  constructor(
    private readonly post: (message: HostMessage) => void,
    private readonly schedule: Scheduler = frameScheduler,
  ) {}

  /** Latest wins per method (a snapshot also drops every candle change queued before it). */
  replace(message: Pending): void {
    if (this.paused || this.disposed) return;
    if (message.method === 'chart/snapshot') this.candles.clear();
    this.pending.delete(message.method); // re-inserted last, so the batch keeps arrival order
    this.pending.set(message.method, message);
    this.arm();
  }

  candlesChanged(changed: readonly CandleWire[]): void {
    if (this.paused || this.disposed || changed.length === 0) return;
    for (const c of changed) this.candles.set(c[0], c);
    if (!this.pending.has('chart/candles')) this.pending.set('chart/candles', { method: 'chart/candles', params: { candles: [] } });
    this.arm();
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
    const messages: HostMessage[] = [];
    for (const [method, msg] of this.pending) {
      if (method === 'chart/candles') {
        const candles = [...this.candles.values()].sort((a, b) => a[0] - b[0]);
        if (candles.length > 0) messages.push({ method: 'chart/candles', params: { candles } });
      } else messages.push('build' in msg ? msg.build() : msg);
    }
    this.pending.clear();
    this.candles = new Map();
    if (messages.length > 0) this.post({ method: 'panel/batch', params: { messages } });
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending.clear();
    this.candles.clear();
  }

  private arm(): void {
    this.timer ??= this.schedule(() => this.flush());
  }
}
