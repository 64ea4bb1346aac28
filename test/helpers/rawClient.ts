/** A raw WebSocket test client: collects JSON frames and hands them out through awaitable predicates. */
import { once } from 'node:events';
import { WebSocket } from 'ws';

export class RawClient {
  readonly ws: WebSocket;
  private readonly frames: unknown[] = [];
  private waiter: (() => void) | undefined;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.waiter?.();
    });
  }

  async open(): Promise<void> {
    await once(this.ws, 'open');
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The next frame (in arrival order) satisfying `predicate`; frames before it are discarded. */
  async next<T>(predicate: (frame: unknown) => frame is T): Promise<T> {
    for (;;) {
      const index = this.frames.findIndex(predicate);
      if (index >= 0) return this.frames.splice(0, index + 1)[index] as T;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}

