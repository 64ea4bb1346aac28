import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { AlertEvent, NotificationResult } from '../../core/alerts/alertEvent';
import { errorMessage, type Logger } from '../../core/util/log';

/** Every status the stream supervisor reports (retrying and degraded are per subscription, not per stream); each gets a 0/1 series. */
export const STREAM_STATES = ['connecting', 'live', 'reconnecting', 'stopped', 'failed'] as const;

export type NotificationOutcome = 'ok' | 'failed';

export interface BotMetrics {
  /** A registry of its own: nothing else in the process (or another BotMetrics) adds to it. */
  readonly registry: Registry;
  readonly alertEvaluations: Counter<'rule'>;
  readonly alertsFired: Counter<'rule' | 'type'>;
  readonly notifications: Counter<'notifier' | 'result'>;
  readonly streamState: Gauge<'exchange' | 'symbol' | 'kind' | 'state'>;
  /**
   * Where the evaluation counts come from: read at each scrape (counting in the hot path would cost a label
   * lookup per rule per trade). The engine's evaluationCounts(); counts per rule must only grow.
   */
  countEvaluationsFrom(source: () => ReadonlyMap<string, number>): void;
  /** An alert fired: counted under its rule id and rule type. */
  recordFired(event: AlertEvent): void;
  /** One notifier's result for one alert. */
  recordNotification(result: NotificationResult): void;
  recordNotifications(results: readonly NotificationResult[]): void;
  /** Sets the stream's current state to 1 and every other state it has been seen in (and the known ones) to 0. */
  setStreamState(exchange: string, symbol: string, kind: string, state: string): void;
  /** Drops the stream's series, e.g. once it has been released for good. */
  removeStream(exchange: string, symbol: string, kind: string): void;
}

export interface CreateMetricsOptions {
  /** Collect the default process/Node.js metrics (CPU, memory, event loop lag, GC …). Default true. */
  readonly defaultMetrics?: boolean;
  /** Labels added to every series, e.g. { instance: 'bot-1' }. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

export function createMetrics(options: CreateMetricsOptions = {}): BotMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels({ ...options.defaultLabels });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  let evaluationSource: (() => ReadonlyMap<string, number>) | undefined;
  const alertEvaluations = new Counter({
    name: 'tradesuite_alert_evaluations_total',
    help: 'Alert rule evaluations (readings compared with the rule condition), by rule.',
    labelNames: ['rule'] as const,
    registers: [registry],
    collect() {
      if (!evaluationSource) return;
      this.reset();
      for (const [rule, count] of evaluationSource()) if (count > 0) this.inc({ rule }, count);
    },
  });
  const alertsFired = new Counter({
    name: 'tradesuite_alerts_fired_total',
    help: 'Alerts fired, by rule and rule type.',
    labelNames: ['rule', 'type'] as const,
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'tradesuite_notifications_total',
    help: 'Alert notifications by notifier and result (ok or failed after its retries).',
    labelNames: ['notifier', 'result'] as const,
    registers: [registry],
  });
  const streamState = new Gauge({
    name: 'tradesuite_stream_state',
    help: 'Market data stream state: 1 for the current state of each stream, 0 for the others.',
    labelNames: ['exchange', 'symbol', 'kind', 'state'] as const,
    registers: [registry],
  });

  // Every state each stream has been given a series for, so the old state can be zeroed on a change.
  const statesByStream = new Map<string, Set<string>>();
  const streamKey = (exchange: string, symbol: string, kind: string) => JSON.stringify([exchange, symbol, kind]);

  return {
    registry,
    alertEvaluations,
    alertsFired,
    notifications,
    streamState,
    countEvaluationsFrom(source) {
      evaluationSource = source;
    },
    recordFired(event) {
      alertsFired.inc({ rule: event.ruleId, type: event.ruleType });
    },
    recordNotification(result) {
      notifications.inc({ notifier: result.notifier, result: result.ok ? 'ok' : 'failed' });
    },
    recordNotifications(results) {
      for (const result of results) this.recordNotification(result);
    },
    setStreamState(exchange, symbol, kind, state) {
      const key = streamKey(exchange, symbol, kind);
      let states = statesByStream.get(key);
      if (!states) {
        states = new Set(STREAM_STATES);
        statesByStream.set(key, states);
      }
      states.add(state);
      for (const s of states) streamState.set({ exchange, symbol, kind, state: s }, s === state ? 1 : 0);
    },
    removeStream(exchange, symbol, kind) {
      const key = streamKey(exchange, symbol, kind);
      const states = statesByStream.get(key);
      if (!states) return;
      for (const state of states) streamState.remove({ exchange, symbol, kind, state });
      statesByStream.delete(key);
    },
  };
}

export interface MetricsServer {
  /** http://127.0.0.1:<port>/metrics */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends open (keep-alive) connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves GET /metrics from `registry` on 127.0.0.1 (port 0 picks a free one); everything else is a 404.
 * Rejects when the port cannot be bound.
 */
export function startMetricsServer(port: number, registry: Registry, log: Logger): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    void handle(req, res, registry, log);
  });
  return new Promise<MetricsServer>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`metrics server could not listen on 127.0.0.1:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      server.on('error', (err) => log.error(`metrics server: ${errorMessage(err)}`));
      const bound = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${bound}/metrics`;
      log.info(`metrics on ${url}`);
      let closed: Promise<void> | undefined;
      resolve({
        url,
        port: bound,
        close: () => {
          closed ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closed;
        },
      });
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, registry: Registry, log: Logger): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' || path !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType }).end(body);
  } catch (err) {
    log.error(`metrics: collecting failed: ${errorMessage(err)}`);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Metrics collection failed\n');
  }
}
