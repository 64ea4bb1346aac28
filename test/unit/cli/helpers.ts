import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCommand, type CliArgs } from '../../../src/cli/args';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import type { Logger } from '../../../src/core/util/log';
import type { BackoffPolicy } from '../../../src/core/streams/backoff';

/** Retries in tests wait a millisecond or two, never seconds. */
export const tinyBackoff: BackoffPolicy = { baseMs: 1, maxMs: 4, factor: 2, jitter: 0 };

export const sampleEvent: AlertEvent = {
  ruleId: 'btc-breakout',
  ruleName: 'BTC breakout',
  ruleType: 'price_level',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  message: 'BTC/USDT last 61,020.5 crossed above 61,000',
  value: 61020.5,
  firedAt: Date.UTC(2024, 4, 1, 12, 0, 0),
  barTime: Date.UTC(2024, 4, 1, 12, 0, 0),
};

export interface CapturedLog extends Logger {
  readonly lines: string[];
}

export function captureLogger(): CapturedLog {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** performance.now() when the whole request had arrived. */
  readonly at: number;
}

/** Answers request number `index` (0-based); may leave `res` hanging to simulate a stuck receiver. */
export type TestHandler = (req: RecordedRequest, res: ServerResponse, index: number) => void;

/** A scripted HTTP receiver on 127.0.0.1 that records every request and lets tests await them. */
export class TestHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(handler: TestHandler): Promise<TestHttpServer> {
    let self: TestHttpServer | undefined;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: performance.now(),
        };
        const s = self!;
        const index = s.requests.push(recorded) - 1;
        handler(recorded, res, index);
        s.settleWaiters();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    self = new TestHttpServer(server, (server.address() as AddressInfo).port);
    return self;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private settleWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (this.requests.length >= w.count) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}

/** A port that was free a moment ago and has nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The arguments of a command line that asks for a run (parseCommand, failing the test on --help or --version). */
export function runArgs(argv: readonly string[]): CliArgs {
  const command = parseCommand(argv);
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command.args;
}
