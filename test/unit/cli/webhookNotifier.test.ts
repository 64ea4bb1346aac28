import * as assert from 'node:assert/strict';
import { parseRetryAfter, WebhookNotifier, type WebhookNotifierOptions } from '../../../src/cli/notifiers/webhookNotifier';
import { captureLogger, closedPort, sampleEvent, TestHttpServer, tinyBackoff, type TestHandler } from './helpers';

describe('cli webhook notifier', function () {
  this.timeout(8000);
  let server: TestHttpServer | undefined;
  const notifiers: WebhookNotifier[] = [];

  const start = async (handler: TestHandler) => {
    server = await TestHttpServer.start(handler);
    return server;
  };
  const make = (options: Partial<WebhookNotifierOptions> & { url: string }) => {
    const n = new WebhookNotifier({ backoff: tinyBackoff, retries: 3, timeoutMs: 3000, ...options });
    notifiers.push(n);
    return n;
  };

  afterEach(async () => {
    await Promise.all(notifiers.splice(0).map((n) => n.close()));
    await server?.close();
    server = undefined;
  });

  it('POSTs the event as JSON with a text field and the configured headers', async () => {
    const srv = await start((_req, res) => res.writeHead(204).end());
    const n = make({ url: srv.url('/hooks/alerts?x=1'), headers: { Authorization: 'Bearer t0k3n', 'X-Custom': 'yes' } });

    const result = await n.notify(sampleEvent);

    assert.deepEqual(result, { notifier: `webhook:127.0.0.1:${srv.port}`, ok: true, attempts: 1 });
    assert.equal(srv.requests.length, 1);
    const req = srv.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hooks/alerts?x=1');
    assert.match(String(req.headers['content-type']), /^application\/json/);
    assert.equal(req.headers.authorization, 'Bearer t0k3n');
    assert.equal(req.headers['x-custom'], 'yes');
    assert.deepEqual(JSON.parse(req.body), {
      ...sampleEvent,
      text: 'BTC breakout — binance BTC/USDT 1m: BTC/USDT last 61,020.5 crossed above 61,000',
    });
  });

  it('retries after a 500 and then succeeds', async () => {
    const srv = await start((_req, res, i) => (i === 0 ? res.writeHead(500).end('boom') : res.writeHead(200).end('ok')));
    const log = captureLogger();
    const result = await make({ url: srv.url(), log }).notify(sampleEvent);

    assert.equal(result.ok, true);
    assert.equal(result.attempts, 2);
    assert.equal(srv.requests.length, 2);
    assert.equal(srv.requests[1]!.body, srv.requests[0]!.body, 'the same payload is sent again');
    assert.ok(log.lines.some((l) => /attempt 1 failed \(HTTP 500 Internal Server Error: boom\)/.test(l)), log.lines.join('\n'));
  });

  it('honours Retry-After on a 429', async () => {
    const srv = await start((_req, res, i) =>
      i === 0 ? res.writeHead(429, { 'Retry-After': '0.2' }).end() : res.writeHead(200).end(),
    );
    const result = await make({ url: srv.url() }).notify(sampleEvent);

    assert.equal(result.ok, true);
    assert.equal(result.attempts, 2);
    const gap = srv.requests[1]!.at - srv.requests[0]!.at;
    assert.ok(gap >= 180, `waited ${gap.toFixed(1)} ms, the backoff alone is 1 ms`);
  });

  it('caps a long Retry-After at maxRetryAfterMs', async () => {
    const srv = await start((_req, res, i) =>
      i === 0 ? res.writeHead(503, { 'Retry-After': '3600' }).end() : res.writeHead(200).end(),
    );
    const result = await make({ url: srv.url(), maxRetryAfterMs: 20 }).notify(sampleEvent);

    assert.equal(result.ok, true);
    assert.equal(result.attempts, 2);
    assert.ok(srv.requests[1]!.at - srv.requests[0]!.at < 500);
  });

  it('times out a stuck attempt and retries', async () => {
    // The first request is never answered; the server's closeAllConnections ends it in afterEach.
    const srv = await start((_req, res, i) => {
      if (i > 0) res.writeHead(200).end();
    });
    const t0 = performance.now();
    const result = await make({ url: srv.url(), timeoutMs: 100 }).notify(sampleEvent);
    const elapsed = performance.now() - t0;

    assert.equal(result.ok, true);
    assert.equal(result.attempts, 2);
    assert.equal(srv.requests.length, 2);
    assert.ok(elapsed >= 95, `the first attempt was given its 100 ms, took ${elapsed.toFixed(1)} ms in all`);
  });

  it('does not retry a 400', async () => {
    const srv = await start((_req, res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('bad payload\nline two'));
    const result = await make({ url: srv.url() }).notify(sampleEvent);

    assert.equal(result.ok, false);
    assert.equal(result.attempts, 1);
    assert.equal(result.error, 'HTTP 400 Bad Request: bad payload line two');
    assert.equal(srv.requests.length, 1);
  });

  it('gives up after the retries with ok:false, the attempt count and the last error', async () => {
    const srv = await start((_req, res) => res.writeHead(503).end());
    const result = await make({ url: srv.url(), retries: 2 }).notify(sampleEvent);

    assert.deepEqual(result, { notifier: `webhook:127.0.0.1:${srv.port}`, ok: false, attempts: 3, error: 'HTTP 503 Service Unavailable' });
    assert.equal(srv.requests.length, 3);
  });

  it('retries network errors and reports the cause, without throwing', async () => {
    const port = await closedPort();
    const result = await make({ url: `http://127.0.0.1:${port}/hook`, retries: 2 }).notify(sampleEvent);

    assert.equal(result.ok, false);
    assert.equal(result.attempts, 3);
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  it('close() ends a pending retry wait at once', async () => {
    const srv = await start((_req, res) => res.writeHead(500).end());
    let waiting!: () => void;
    const retryScheduled = new Promise<void>((resolve) => (waiting = resolve));
    const log = { ...captureLogger(), info: (m: string) => /retrying in/.test(m) && waiting() };
    const n = make({ url: srv.url(), log, backoff: { baseMs: 10_000, maxMs: 10_000, factor: 1, jitter: 0 } });
    const pending = n.notify(sampleEvent);
    await retryScheduled;
    const t0 = performance.now();
    await n.close();
    const result = await pending;

    assert.equal(result.ok, false);
    assert.equal(result.attempts, 1);
    assert.match(result.error ?? '', /HTTP 500.*notifier closed/);
    assert.ok(performance.now() - t0 < 500);
    assert.deepEqual(await n.notify(sampleEvent), { notifier: n.name, ok: false, attempts: 0, error: 'notifier closed' });
  });

  it('rejects a malformed configuration when built', () => {
    assert.throws(() => new WebhookNotifier({ url: 'not a url' }), /invalid url/);
    assert.throws(() => new WebhookNotifier({ url: 'ftp://example.invalid/x' }), /http or https/);
    assert.throws(() => new WebhookNotifier({ url: 'http://127.0.0.1/', retries: -1 }), /retries/);
    assert.throws(() => new WebhookNotifier({ url: 'http://127.0.0.1/', timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => new WebhookNotifier({ url: 'http://127.0.0.1/', headers: { 'bad header': 'x' } }), /invalid header/);
  });

  it('names itself by host only, so a token in the URL never reaches logs or metrics', () => {
    const n = new WebhookNotifier({ url: 'https://hooks.example.com/services/SECRET/TOKEN' });
    assert.equal(n.name, 'webhook:hooks.example.com');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);
  it('reads delay-seconds, HTTP dates and nothing else', () => {
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('0.25', now), 250);
    assert.equal(parseRetryAfter(new Date(now + 5000).toUTCString(), now), 5000);
    assert.equal(parseRetryAfter(new Date(now - 5000).toUTCString(), now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-3', now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});
