import * as assert from 'node:assert/strict';
import { register as globalRegistry } from 'prom-client';
import { createMetrics, startMetricsServer, type MetricsServer } from '../../../src/cli/metrics/metrics';
import { silentLogger } from '../../../src/core/util/log';
import { sampleEvent } from './helpers';

describe('cli metrics', function () {
  this.timeout(8000);
  const servers: MetricsServer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('serves the counters, the stream state gauge and process metrics on GET /metrics', async () => {
    const metrics = createMetrics();
    const evaluations = new Map([
      ['btc-breakout', 2],
      ['eth-rsi', 1],
      ['never-evaluated', 0],
    ]);
    metrics.countEvaluationsFrom(() => evaluations);
    metrics.recordFired(sampleEvent);
    metrics.recordNotifications([
      { notifier: 'console', ok: true, attempts: 1 },
      { notifier: 'webhook:hooks.example.test', ok: false, attempts: 4, error: 'HTTP 503' },
    ]);
    metrics.setStreamState('binance', 'BTC/USDT', 'trades', 'connecting');
    metrics.setStreamState('binance', 'BTC/USDT', 'trades', 'live');

    const server = await startMetricsServer(0, metrics.registry, silentLogger);
    servers.push(server);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    for (const line of [
      'tradesuite_alert_evaluations_total{rule="btc-breakout"} 2',
      'tradesuite_alert_evaluations_total{rule="eth-rsi"} 1',
      'tradesuite_alerts_fired_total{rule="btc-breakout",type="price_level"} 1',
      'tradesuite_notifications_total{notifier="console",result="ok"} 1',
      'tradesuite_notifications_total{notifier="webhook:hooks.example.test",result="failed"} 1',
      'tradesuite_stream_state{exchange="binance",symbol="BTC/USDT",kind="trades",state="live"} 1',
      'tradesuite_stream_state{exchange="binance",symbol="BTC/USDT",kind="trades",state="connecting"} 0',
      'tradesuite_stream_state{exchange="binance",symbol="BTC/USDT",kind="trades",state="reconnecting"} 0',
    ]) {
      assert.ok(text.split('\n').includes(line), `missing: ${line}`);
    }
    assert.match(text, /^# TYPE tradesuite_alerts_fired_total counter$/m);
    assert.match(text, /^# TYPE tradesuite_stream_state gauge$/m);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_heap_size_used_bytes /m);

    assert.ok(!text.includes('rule="never-evaluated"'), 'rules not evaluated yet have no series');

    evaluations.set('btc-breakout', 7);
    metrics.removeStream('binance', 'BTC/USDT', 'trades');
    const after = await (await fetch(server.url)).text();
    assert.doesNotMatch(after, /^tradesuite_stream_state\{/m);
    assert.ok(after.split('\n').includes('tradesuite_alert_evaluations_total{rule="btc-breakout"} 7'), 'counts are read at each scrape');
  });

  it('answers 404 to anything but GET /metrics', async () => {
    const server = await startMetricsServer(0, createMetrics({ defaultMetrics: false }).registry, silentLogger);
    servers.push(server);
    const base = server.url.replace(/\/metrics$/, '');

    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/metricsx`)).status, 404);
    assert.equal((await fetch(server.url, { method: 'POST', body: 'x' })).status, 404);
    assert.equal((await fetch(`${server.url}?name[]=x`)).status, 200);
  });

  it('keeps each registry separate from the others and from the global one', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.countEvaluationsFrom(() => new Map([['r', 1]]));
    assert.match(await a.registry.metrics(), /tradesuite_alert_evaluations_total\{rule="r"\} 1/);
    assert.doesNotMatch(await b.registry.metrics(), /tradesuite_alert_evaluations_total\{/);
    assert.equal(globalRegistry.getSingleMetric('tradesuite_alert_evaluations_total'), undefined);
  });

  it('closes cleanly: idempotent, the port is released, a busy port is an error', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const server = await startMetricsServer(0, metrics.registry, silentLogger);
    servers.push(server); // closed again by afterEach should an assertion fail first (close is idempotent)
    // A keep-alive connection stays open after this request; close() must not wait for it.
    assert.equal((await fetch(server.url)).status, 200);

    await assert.rejects(startMetricsServer(server.port, metrics.registry, silentLogger), /could not listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);

    await server.close();
    await server.close();
    await assert.rejects(fetch(server.url), /fetch failed/);
  });
});
