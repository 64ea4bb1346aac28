import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import type { AlertEvent, NotificationResult, Notifier } from '../../../src/core/alerts/alertEvent';
import { ConsoleNotifier, formatConsoleLine } from '../../../src/cli/notifiers/consoleNotifier';
import { EmailNotifier } from '../../../src/cli/notifiers/emailNotifier';
import { WebhookNotifier } from '../../../src/cli/notifiers/webhookNotifier';
import { closeNotifiers, createNotifiers, dispatch, type NotifierConfig } from '../../../src/cli/notifiers/createNotifiers';
import { captureLogger, sampleEvent } from './helpers';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('cli console notifier', () => {
  it('prints one readable line: time, rule, market, message', async () => {
    const out = collect();
    const n = new ConsoleNotifier({ stream: out.stream });

    const result = await n.notify(sampleEvent);

    assert.deepEqual(result, { notifier: 'console', ok: true, attempts: 1 });
    assert.equal(out.text(), '2024-05-01T12:00:00.000Z | BTC breakout | binance BTC/USDT 1m | BTC/USDT last 61,020.5 crossed above 61,000\n');
  });

  it('keeps an alert on one line whatever its text holds, and omits a missing timeframe', () => {
    const event: AlertEvent = { ...sampleEvent, timeframe: undefined, ruleName: 'two\nlines', message: 'a\r\nb\tc' };
    assert.equal(formatConsoleLine(event), '2024-05-01T12:00:00.000Z | two lines | binance BTC/USDT | a b c');
  });

  it('prints JSON lines in json mode', async () => {
    const out = collect();
    const n = new ConsoleNotifier({ stream: out.stream, json: true });
    await n.notify(sampleEvent);
    await n.notify({ ...sampleEvent, message: 'second\nalert' });

    const lines = out.text().split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.deepEqual(JSON.parse(lines[0]!), { ...sampleEvent, text: 'BTC breakout — binance BTC/USDT 1m: BTC/USDT last 61,020.5 crossed above 61,000' });
    assert.equal(JSON.parse(lines[1]!).message, 'second\nalert');
  });

  it('reports a failed write as a result instead of throwing', async () => {
    const broken = new Writable({ write: (_chunk, _enc, cb) => cb(new Error('disk full')) });
    broken.on('error', () => undefined);
    const result = await new ConsoleNotifier({ stream: broken }).notify(sampleEvent);
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /disk full/);

    const ended = new PassThrough();
    ended.end();
    assert.deepEqual(await new ConsoleNotifier({ stream: ended }).notify(sampleEvent), {
      notifier: 'console',
      ok: false,
      attempts: 1,
      error: 'output stream is closed',
    });
  });
});

describe('cli createNotifiers', () => {
  it('builds each configured notifier with unique names', () => {
    const configs: NotifierConfig[] = [
      { type: 'console' },
      { type: 'webhook', url: 'https://hooks.example.test/a', headers: { 'X-Token': 't' }, timeoutMs: 2000, retries: 1 },
      { type: 'webhook', url: 'https://hooks.example.test/b' },
      { type: 'email', host: 'smtp.example.test', port: 587, user: 'u', passwordEnv: 'TS_TEST_UNSET_PASSWORD', from: 'a@example.test', to: ['b@example.test'], timeoutMs: 1000, retries: 0 },
    ];
    const log = captureLogger();
    const notifiers = createNotifiers(configs, { log, env: {} });

    assert.ok(notifiers[0] instanceof ConsoleNotifier);
    assert.ok(notifiers[1] instanceof WebhookNotifier);
    assert.ok(notifiers[3] instanceof EmailNotifier);
    assert.deepEqual(
      notifiers.map((n) => n.name),
      ['console', 'webhook:hooks.example.test', 'webhook:hooks.example.test#2', 'email:smtp.example.test'],
    );
    assert.ok(
      log.lines.some((l) => l.startsWith('warn email:smtp.example.test: SMTP password environment variable TS_TEST_UNSET_PASSWORD is not set')),
      log.lines.join('\n'),
    );
  });

  it('names the entry that is misconfigured', () => {
    assert.throws(
      () => createNotifiers([{ type: 'console' }, { type: 'webhook', url: 'nope' }]),
      /^Error: notifiers\[1\] \(webhook\): webhook notifier: invalid url "nope"$/,
    );
    assert.throws(() => createNotifiers([{ type: 'pager' } as unknown as NotifierConfig]), /notifiers\[0\] \(pager\): unknown notifier type "pager"/);
  });
});

describe('cli dispatch', () => {
  const fake = (name: string, notify: (e: AlertEvent) => Promise<NotificationResult>): Notifier => ({ name, notify });

  it('runs notifiers concurrently and returns their results in order', async function () {
    this.timeout(5000);
    let releaseSlow!: () => void;
    const fastStarted = new Promise<void>((resolve) => (releaseSlow = resolve));
    const slow = fake('slow', async () => {
      await fastStarted; // would never resolve if notifiers ran one after another
      return { notifier: 'slow', ok: true, attempts: 1 };
    });
    const fast = fake('fast', async () => {
      releaseSlow();
      return { notifier: 'fast', ok: true, attempts: 1 };
    });

    const results = await dispatch(sampleEvent, [slow, fast], captureLogger());
    assert.deepEqual(results.map((r) => r.notifier), ['slow', 'fast']);
  });

  it('logs failures and never throws, even when a notifier breaks its contract', async () => {
    const log = captureLogger();
    const results = await dispatch(
      sampleEvent,
      [
        fake('ok', async () => ({ notifier: 'ok', ok: true, attempts: 1 })),
        fake('failing', async () => ({ notifier: 'failing', ok: false, attempts: 3, error: 'HTTP 503' })),
        fake('throwing', async () => {
          throw new Error('bug');
        }),
        fake('sync-throwing', () => {
          throw new TypeError('worse bug');
        }),
      ],
      log,
    );

    assert.deepEqual(results, [
      { notifier: 'ok', ok: true, attempts: 1 },
      { notifier: 'failing', ok: false, attempts: 3, error: 'HTTP 503' },
      { notifier: 'throwing', ok: false, attempts: 0, error: 'Error: bug' },
      { notifier: 'sync-throwing', ok: false, attempts: 0, error: 'TypeError: worse bug' },
    ]);
    const warnings = log.lines.filter((l) => l.startsWith('warn '));
    assert.equal(warnings.length, 3);
    assert.equal(warnings[0], 'warn alert "BTC breakout" (BTC/USDT) not delivered by failing after 3 attempt(s): HTTP 503');
  });

  it('returns no results for no notifiers, and closeNotifiers tolerates failing closes', async () => {
    assert.deepEqual(await dispatch(sampleEvent, [], captureLogger()), []);
    const closing: Notifier = {
      name: 'x',
      notify: async () => ({ notifier: 'x', ok: true, attempts: 1 }),
      close: async () => {
        throw new Error('close failed');
      },
    };
    await closeNotifiers([closing, new ConsoleNotifier({ stream: new PassThrough() })]);
  });
});
