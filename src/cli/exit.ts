/**
 * How the bot reports errors and ends: every logged message is one line (a library's multi-line or minified text
 * never reaches the log whole; stacks only at debug level), an uncaught exception ends the process with one line,
 * and stdout and stderr are flushed before it exits (through a pipe, writes are asynchronous and process.exit would
 * drop the end of the output).
 */
import { errorMessage, type Logger } from '../core/util/log';

/** Longest message written on one log line. */
export const MAX_LINE_CHARS = 1000;
/** Longest wait for a stalled reader (a full pipe) before exiting anyway. */
const FLUSH_CAP_MS = 5000;

/** `text` on one line: line breaks and runs of blanks become one space, and a very long text is cut. */
export function oneLine(text: string, max = MAX_LINE_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}… (${flat.length - max} more characters)` : flat;
}

/** Writes every message of `log` as one line. */
export function oneLineLogger(log: Logger): Logger {
  return {
    debug: (m) => log.debug(oneLine(m)),
    info: (m) => log.info(oneLine(m)),
    warn: (m) => log.warn(oneLine(m)),
    error: (m) => log.error(oneLine(m)),
  };
}

/** Resolves once everything written to stdout and stderr so far has been handed to the OS (or after a cap). */
export function flushStdio(): Promise<void> {
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  return new Promise<void>((resolve) => {
    const cap = setTimeout(resolve, FLUSH_CAP_MS);
    cap.unref();
    void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => {
      clearTimeout(cap);
      resolve();
    });
  });
}

/** Exits with `code` once the output is flushed. */
export async function exitWhenFlushed(code: number): Promise<never> {
  await flushStdio();
  process.exit(code);
}

/**
 * Errors nobody handled, reported on one line with the stack at debug level (Node's own report prints the throwing
 * line of a minified bundle). An uncaught exception is fatal (the bot cannot know what state it left): exit 1 after
 * flushing. An unhandled rejection is a bug to report, not a reason to stop every other rule: the bot keeps running.
 */
export function installErrorHandlers(log: Logger): void {
  const report = (line: string, err: unknown): void => {
    log.error(`${line}: ${errorMessage(err)}`);
    if (err instanceof Error && err.stack) log.debug(err.stack);
  };
  let ending = false;
  process.on('uncaughtException', (err) => {
    if (ending) return;
    ending = true;
    report('fatal: uncaught exception', err);
    void exitWhenFlushed(1);
  });
  process.on('unhandledRejection', (reason) => report('unhandled rejection (a bug; the bot keeps running)', reason));
}
