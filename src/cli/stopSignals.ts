/** SIGINT and SIGTERM, from construction until dispose(): the first asks the bot to stop, the next one to stop at once. */
export class StopSignals {
  readonly first: Promise<NodeJS.Signals>;
  readonly again: Promise<NodeJS.Signals>;
  private readonly listener: (signal: NodeJS.Signals) => void;

  constructor() {
    let onFirst: (signal: NodeJS.Signals) => void = () => undefined;
    let onAgain: (signal: NodeJS.Signals) => void = () => undefined;
    this.first = new Promise((resolve) => (onFirst = resolve));
    this.again = new Promise((resolve) => (onAgain = resolve));
    let received = 0;
    this.listener = (signal) => (received++ === 0 ? onFirst(signal) : onAgain(signal));
    process.on('SIGINT', this.listener);
    process.on('SIGTERM', this.listener);
  }

  dispose(): void {
    process.off('SIGINT', this.listener);
    process.off('SIGTERM', this.listener);
  }
}
