export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function consoleLogger(minLevel: LogLevel = 'info'): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const enabled = (level: LogLevel) => order.indexOf(level) >= order.indexOf(minLevel);
  const write = (level: LogLevel, message: string) => {
    if (!enabled(level)) return;
    const line = `${new Date().toISOString()} [${level}] ${message}`;
    if (level === 'error' || level === 'warn') console.error(line);
    else console.log(line);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}

/** Prefixes every line, so one logger can be shared by many components. */
export function scopedLogger(parent: Logger, scope: string): Logger {
  return {
    debug: (m) => parent.debug(`[${scope}] ${m}`),
    info: (m) => parent.info(`[${scope}] ${m}`),
    warn: (m) => parent.warn(`[${scope}] ${m}`),
    error: (m) => parent.error(`[${scope}] ${m}`),
  };
}

/** A logger needed before the one it should write to exists (the extension's output channel): it keeps the lines. */
export interface LogBuffer extends Logger {
  /** Writes the lines kept so far to `target`, and every later one as it comes. */
  attach(target: Logger): void;
}

/** Far more than a start writes; past it the oldest lines are dropped. */
const LOG_BUFFER_LINES = 100;

export function logBuffer(): LogBuffer {
  let kept: [LogLevel, string][] = [];
  let target: Logger | undefined;
  const write = (level: LogLevel, message: string) => {
    if (target) return target[level](message);
    kept.push([level, message]);
    if (kept.length > LOG_BUFFER_LINES) kept.shift();
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    attach: (to) => {
      target = to;
      for (const [level, message] of kept) to[level](message);
      kept = [];
    },
  };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * An error as a user reads it (a notification, a panel's banner and badge, a rule's status, the CLI's stderr): plain
 * words, never a class name (the log keeps it: `errorMessage`). A `…Error` class says nothing its message does not
 * (`ServerShutdownError: binance announced …` → `binance announced …`); ccxt's other names do, and are said in words
 * unless the message already says them (`RequestTimeout: HTTP 504` → `timed out: HTTP 504`).
 */
export function userMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err).replace(/^\w*Error: /, '');
  const { name } = err;
  const socketsInWords = err.message.replace(SOCKET_FAILURE, (_, code: string, at: string | undefined) => `${SOCKET_WORDS.get(code) ?? code} (${code}${at ?? ''})`);
  const body = exchangeBody(socketsInWords);
  const message = body ? `${body.before ? `${body.before}: ` : ''}${body.text}` : socketsInWords;
  if (name === '' || name.endsWith('Error')) return message || 'an error without a message';
  const words = CLASS_WORDS.get(name) ?? name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  // The exchange's id before its body names the exchange the words speak of: said once (`binance failed the request: …`).
  if (body && EXCHANGE_ID.test(body.before) && THE_EXCHANGE.test(words)) return `${words.replace(THE_EXCHANGE, body.before)}: ${body.text}`;
  if (!message) return words;
  return message.toLowerCase().includes(words) ? message : `${words}: ${message}`;
}
const EXCHANGE_ID = /^[a-z][a-z0-9]*$/;
const THE_EXCHANGE = /\b(?:the )?exchange\b/;

/**
 * An exchange's error body as ccxt passes it on (`binance {"code":-1001,"msg":"Service unavailable…"}`, Bybit's
 * `retCode`/`retMsg`, a `message` or `error`): what stood before it (ccxt's exchange id, or a request line) and its
 * message, the code beside (`Service unavailable… (code -1001)`). Undefined for anything else, or a body without a
 * message (said as it is).
 */
function exchangeBody(message: string): { readonly before: string; readonly text: string } | undefined {
  const open = message.indexOf('{');
  if (open < 0 || message.length > MAX_BODY_CHARS || !message.trimEnd().endsWith('}')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(message.slice(open));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  const text = [fields.msg, fields.retMsg, fields.message, fields.error_description, fields.error].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (text === undefined) return undefined;
  const code = [fields.code, fields.retCode].find((v) => typeof v === 'number' || (typeof v === 'string' && v !== ''));
  return { before: message.slice(0, open).trim(), text: `${text.trim()}${code !== undefined ? ` (code ${String(code)})` : ''}` };
}
const MAX_BODY_CHARS = 4096;

/** ccxt's error classes not named …Error, in words (the rest are split at their capitals: BadSymbol → bad symbol). */
const CLASS_WORDS: ReadonlyMap<string, string> = new Map([
  ['RequestTimeout', 'timed out'],
  ['ExchangeNotAvailable', 'exchange not available'],
  ['OnMaintenance', 'exchange under maintenance'],
  ['DDoSProtection', 'refused by the exchange (DDoS protection)'],
  ['RateLimitExceeded', 'rate limit exceeded'],
  ['BadResponse', 'unreadable answer'],
  ['NullResponse', 'empty answer'],
  ['OperationFailed', 'the exchange failed the request'],
  ['ExchangeClosedByUser', 'connection closed'],
]);

/** Node's socket failures as ccxt passes them on (`connect ECONNREFUSED 127.0.0.1:9443`): said in words, the code kept beside. */
const SOCKET_FAILURE = /(?:connect |read |write |getaddrinfo )?\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EPIPE)\b( [^\s,;)]+)?/g;
const SOCKET_WORDS: ReadonlyMap<string, string> = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNRESET', 'connection reset'],
  ['ETIMEDOUT', 'connection timed out'],
  ['ENOTFOUND', 'host not found'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['EPIPE', 'connection broken'],
]);
