import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { EmailNotifier, emailSubject, isRetryableSmtpError, type EmailNotifierOptions } from '../../../src/cli/notifiers/emailNotifier';
import { closedPort, sampleEvent, tinyBackoff } from './helpers';

const PASSWORD_ENV = 'TRADESUITE_TEST_SMTP_PASSWORD';
const USER = 'alerts@example.test';
const PASSWORD = 'pa55-from-env';

interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly user: string | undefined;
  readonly raw: string;
}

/** What a test's SMTP server does with message number `index`: accept it, or fail with an SMTP reply code. */
type DataPolicy = (index: number) => { code: number; message: string } | undefined;

interface TestSmtp {
  readonly port: number;
  readonly mails: ReceivedMail[];
  readonly logins: Array<{ username: string | undefined; password: string | null | undefined }>;
  close(): Promise<void>;
}

async function startSmtp(dataPolicy: DataPolicy = () => undefined): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const logins: TestSmtp['logins'] = [];
  let dataCount = 0;
  const server = new SMTPServer({
    logger: false,
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username, password: auth.password });
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const failure = dataPolicy(dataCount++);
        if (failure) {
          callback(Object.assign(new Error(failure.message), { responseCode: failure.code }));
          return;
        }
        const envelope = session.envelope;
        mails.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=) in an unfolded header value. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line === undefined ? undefined : decodeHeader(line.slice(name.length + 1).trim());
}

/** The text body, quoted-printable decoded. */
function body(raw: string): string {
  const text = raw.split(/\r?\n\r?\n/).slice(1).join('\n\n');
  const unwrapped = text.replace(/=\r?\n/g, '');
  return Buffer.from(unwrapped.replace(/=([0-9A-Fa-f]{2})/g, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1')
    .toString('utf8')
    .replace(/\r\n/g, '\n');
}

describe('cli email notifier', function () {
  this.timeout(8000);
  let smtp: TestSmtp | undefined;
  const notifiers: EmailNotifier[] = [];
  const savedEnv = process.env[PASSWORD_ENV];

  const make = (port: number, options: Partial<EmailNotifierOptions> = {}) => {
    const n = new EmailNotifier({
      host: '127.0.0.1',
      port,
      secure: false,
      user: USER,
      passwordEnv: PASSWORD_ENV,
      from: 'TradeSuite <bot@example.test>',
      to: ['trader@example.test', 'desk@example.test'],
      timeoutMs: 3000, // only a generous ceiling: no test here waits for it
      retries: 2,
      backoff: tinyBackoff,
      ...options,
    });
    notifiers.push(n);
    return n;
  };

  afterEach(async () => {
    if (savedEnv === undefined) delete process.env[PASSWORD_ENV];
    else process.env[PASSWORD_ENV] = savedEnv;
    await Promise.all(notifiers.splice(0).map((n) => n.close()));
    await smtp?.close();
    smtp = undefined;
  });

  it('delivers to the SMTP server, logging in with the password from the environment', async () => {
    smtp = await startSmtp();
    process.env[PASSWORD_ENV] = PASSWORD;
    const n = make(smtp.port);

    const result = await n.notify(sampleEvent);

    assert.deepEqual(result, { notifier: 'email:127.0.0.1', ok: true, attempts: 1 });
    assert.deepEqual(smtp.logins, [{ username: USER, password: PASSWORD }]);
    assert.equal(smtp.mails.length, 1);
    const mail = smtp.mails[0]!;
    assert.equal(mail.user, USER);
    assert.equal(mail.from, 'bot@example.test');
    assert.deepEqual(mail.to, ['trader@example.test', 'desk@example.test']);
    assert.equal(header(mail.raw, 'Subject'), '[TradeSuite] BTC breakout — BTC/USDT');
    assert.equal(emailSubject(sampleEvent), '[TradeSuite] BTC breakout — BTC/USDT');
    const text = body(mail.raw);
    assert.match(text, /BTC\/USDT last 61,020\.5 crossed above 61,000/);
    assert.match(text, /Market: +binance BTC\/USDT 1m/);
    assert.match(text, /Fired at: 2024-05-01T12:00:00\.000Z/);
    assert.ok(!mail.raw.includes(PASSWORD), 'the password never ends up in the message');
  });

  it('reports a missing password variable clearly, without connecting', async () => {
    smtp = await startSmtp();
    delete process.env[PASSWORD_ENV];
    const result = await make(smtp.port).notify(sampleEvent);

    assert.equal(result.ok, false);
    assert.equal(result.attempts, 0);
    assert.equal(result.error, `SMTP password environment variable ${PASSWORD_ENV} is not set (needed to log in as ${USER})`);
    assert.equal(smtp.logins.length, 0);
    assert.equal(smtp.mails.length, 0);
  });

  it('retries a transient (4xx) rejection, then delivers', async () => {
    smtp = await startSmtp((i) => (i === 0 ? { code: 451, message: 'Try again later' } : undefined));
    const result = await make(smtp.port, { env: { [PASSWORD_ENV]: PASSWORD } }).notify(sampleEvent);

    assert.equal(result.ok, true);
    assert.equal(result.attempts, 2);
    assert.equal(smtp.mails.length, 1);
  });

  it('does not retry a permanent failure (bad password → 535)', async () => {
    smtp = await startSmtp();
    const result = await make(smtp.port, { env: { [PASSWORD_ENV]: 'wrong' } }).notify(sampleEvent);

    assert.equal(result.ok, false);
    assert.equal(result.attempts, 1);
    assert.match(result.error ?? '', /535/);
    assert.equal(smtp.logins.length, 1);
  });

  it('retries connection failures and gives up with ok:false and the attempt count', async () => {
    const port = await closedPort();
    const result = await make(port, { env: { [PASSWORD_ENV]: PASSWORD } }).notify(sampleEvent);

    assert.equal(result.ok, false);
    assert.equal(result.attempts, 3);
    assert.match(result.error ?? '', /ECONNREFUSED|ECONNECTION|ESOCKET/);
  });

  it('rejects a malformed configuration when built', () => {
    const base = { host: 'smtp.example.test', port: 587, from: 'a@example.test', to: 'b@example.test' };
    assert.throws(() => new EmailNotifier({ ...base, user: 'u' }), /passwordEnv is not/);
    assert.throws(() => new EmailNotifier({ ...base, passwordEnv: 'X' }), /user is not/);
    assert.throws(() => new EmailNotifier({ ...base, to: [] }), /recipient/);
    assert.throws(() => new EmailNotifier({ ...base, port: 70_000 }), /port/);
    assert.throws(() => new EmailNotifier({ ...base, from: '' }), /from/);
    assert.doesNotThrow(() => new EmailNotifier(base), 'no login at all is fine (a local relay)');
  });

  it('classifies SMTP errors: 4xx and connection trouble are transient, 5xx and config errors are not', () => {
    assert.equal(isRetryableSmtpError({ code: 'EENVELOPE', responseCode: 451 }), true);
    assert.equal(isRetryableSmtpError({ code: 'EAUTH', responseCode: 535 }), false);
    assert.equal(isRetryableSmtpError({ code: 'EPROTOCOL', responseCode: 503 }), true);
    assert.equal(isRetryableSmtpError({ code: 'ECONNECTION' }), true);
    assert.equal(isRetryableSmtpError({ code: 'ETIMEDOUT' }), true);
    assert.equal(isRetryableSmtpError({ code: 'ETLS' }), false);
    assert.equal(isRetryableSmtpError(new Error('plain')), false);
  });
});
