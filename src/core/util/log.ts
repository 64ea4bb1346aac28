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

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * An error as a user reads it (a notification, a panel's banner, the CLI's stderr): the message without an error
 * class name (`UnknownSymbolError: …` → `…`). Names that say something (ccxt's `RequestTimeout: …`) stay.
 */
export function userMessage(err: unknown): string {
  return errorMessage(err).replace(/^\w*Error: /, '');
}
