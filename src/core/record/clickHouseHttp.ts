/** A small client of ClickHouse's HTTP interface (port 8123): statements, inserts with a body, and answers as they stream in. */
import { TradeSuiteError } from '../errors';

export interface ClickHouseConnection {
  /** The server's HTTP interface, e.g. `http://127.0.0.1:8123`. */
  readonly url: string;
  /** A plain identifier (letters, digits, `_`): it is written into statements as is. */
  readonly database: string;
  readonly user?: string;
  readonly password?: string;
  /**
   * A request not answered within this is aborted and fails (default 30 s); so is a streamed answer (chunks) that
   * sends nothing for this long: a long answer that keeps coming (a day of a busy market) is read whole.
   */
  readonly timeoutMs?: number;
}

/** What the server answered when it refused a statement, or why it could not be reached. */
export class ClickHouseError extends TradeSuiteError {
  constructor(
    message: string,
    /** The HTTP status, or undefined when no answer came (refused, reset, timed out). */
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Throws naming the value when `name` cannot be used as a database or table name. */
export function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new TradeSuiteError(`${what} must be letters, digits and _ (not starting with a digit), got ${JSON.stringify(name)}`);
  return name;
}

/** A string literal for a statement: ClickHouse's quoting (backslash escapes), so no value can end the literal. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The longest error text kept from a server's answer (it may be a whole HTML page from a proxy). */
const MAX_ERROR_TEXT = 300;

export class ClickHouseHttp {
  readonly database: string;
  private readonly base: URL;

  constructor(private readonly conn: ClickHouseConnection) {
    this.database = checkIdentifier(conn.database, 'the ClickHouse database');
    let base: URL;
    try {
      base = new URL(conn.url);
    } catch {
      throw new TradeSuiteError(`the ClickHouse URL is not a URL: ${JSON.stringify(conn.url)}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TradeSuiteError(`the ClickHouse URL must be http(s), got ${JSON.stringify(conn.url)}`);
    this.base = base;
  }

  /** `host:port`, for names in logs and states (never the credentials). */
  get endpoint(): string {
    return this.base.host;
  }

  /** Runs a statement that returns nothing (DDL), or an INSERT whose data (in the statement's format) is `body`. */
  async exec(sql: string, body?: Uint8Array, signal?: AbortSignal): Promise<void> {
    const { res, deadline } = await this.request(sql, body, signal);
    try {
      await res.arrayBuffer(); // read to the end, so the connection is free again
    } finally {
      deadline.end();
    }
  }

  /** Runs a query (with these server settings, if any) and yields its answer as it arrives, chunk by chunk; the answer is never held whole. */
  async *chunks(sql: string, signal?: AbortSignal, settings?: Readonly<Record<string, string>>): AsyncGenerator<Buffer> {
    const { res, deadline } = await this.request(sql, undefined, signal, settings);
    if (!res.body) return deadline.end();
    const reader = res.body.getReader();
    try {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        deadline.arm();
        try {
          next = await reader.read();
        } catch (err) {
          signal?.throwIfAborted();
          throw new ClickHouseError(`ClickHouse at ${this.endpoint}: the answer to ${firstWords(sql)} was cut off: ${causeOf(err)}`, res.status);
        }
        const { done, value } = next;
        if (done) break;
        deadline.disarm(); // the reader's time with a chunk is not the server's
        yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
    } finally {
      deadline.end();
      await reader.cancel().catch(() => undefined); // an early return (a reader stopped) ends the request
    }
  }

  /** The server's answer (its status checked) and the deadline its reader ends (or restarts as bytes come). */
  private async request(sql: string, body: Uint8Array | undefined, signal: AbortSignal | undefined, settings: Readonly<Record<string, string>> = {}): Promise<{ res: Response; deadline: Deadline }> {
    const url = new URL(this.base);
    url.searchParams.set('database', this.database);
    for (const [name, value] of Object.entries(settings)) url.searchParams.set(name, value);
    // A query alone goes in the body (no URL length limit); an insert's statement goes in the URL, its rows in the body.
    if (body !== undefined) url.searchParams.set('query', sql);
    const headers: Record<string, string> = {};
    if (this.conn.user !== undefined && this.conn.user !== '') {
      headers.authorization = `Basic ${Buffer.from(`${this.conn.user}:${this.conn.password ?? ''}`).toString('base64')}`;
    }
    const deadline = new Deadline(this.conn.timeoutMs ?? 30_000);
    let res: Response;
    try {
      // The rows are copied onto an ArrayBuffer of their own, as fetch's body type wants.
      const payload = body === undefined ? sql : new Uint8Array(body);
      res = await fetch(url, { method: 'POST', headers, body: payload, signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal });
    } catch (err) {
      deadline.end();
      signal?.throwIfAborted();
      throw new ClickHouseError(`ClickHouse at ${this.endpoint} did not answer: ${causeOf(err)}`, undefined);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      deadline.end();
      throw new ClickHouseError(`ClickHouse at ${this.endpoint} refused ${firstWords(sql)} (HTTP ${res.status}): ${text.trim().slice(0, MAX_ERROR_TEXT)}`, res.status);
    }
    return { res, deadline };
  }
}

/**
 * Aborts its signal (as timed out) once it runs out. Armed while the server is waited for: until its answer begins,
 * then while each chunk of a streamed answer is read (not while the reader uses one); ended with the request.
 */
class Deadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly ms: number) {
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  arm(): void {
    if (this.ended || this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new DOMException(`no answer within ${this.ms} ms`, 'TimeoutError')), this.ms);
    this.timer.unref();
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  end(): void {
    this.ended = true;
    this.disarm();
  }
}

function firstWords(sql: string): string {
  const words = sql.trim().split(/\s+/).slice(0, 3).join(' ');
  return `"${words}…"`;
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, a timeout) in `cause`. */
function causeOf(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message;
    return err.message;
  }
  return String(err);
}
