/**
 * Typed reads from one YAML mapping node. Every problem becomes a diagnostic at the offending node (the value for
 * a bad value, the key for an unknown field, the mapping's first key for a missing field) and marks the reader
 * failed, so the caller can drop just this mapping.
 */
import type { Node, Pair, YAMLMap } from 'yaml';
import { yaml } from './yaml';
import { MAX_DURATION_DAYS, MAX_DURATION_MS, parseDuration } from '../duration';
import type { AliasResolver } from './aliases';
import { quoteShort } from '../../../shared/util/shortText';
import { MAX_DURATION_CHARS, MAX_KEYS, MAX_STRING_CHARS } from './bounds';
import type { DiagnosticSink, Severity, SourceRange } from './diagnostics';
import { didYouMean } from './didYouMean';
import { parseIsoTimestamp } from './isoTimestamp';

type Span = readonly [start: number, end: number];

export function spanOf(node: Node | null | undefined, fallback: Span): Span {
  const r = node?.range;
  return r ? [r[0], r[1]] : fallback;
}

interface Entry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: Node | null;
}

export interface NumberOptions {
  readonly required?: boolean;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Strictly greater than. */
  readonly above?: number;
}

export class MapReader {
  private readonly entries = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  failed = false;
  /**
   * What this mapping is, for messages that must say so on their own (`rule "btc-61k"`, `rules[3]`): a too-long
   * value is reported with it, since the value cannot be shown whole.
   */
  subject: string | undefined;

  /** Every problem goes to `sink`; aliases (keys and values) are read through `aliases`. */
  constructor(
    readonly node: YAMLMap,
    private readonly sink: DiagnosticSink,
    private readonly aliases: AliasResolver,
    subject?: string,
  ) {
    this.subject = subject;
    for (const [i, pair] of (node.items as Pair<unknown, unknown>[]).entries()) {
      const keyNode = aliases.resolve(pair.key);
      const keySpan = spanOf(pair.key as Node | null, this.nodeSpan());
      if (i === MAX_KEYS) {
        this.fail(`more than ${MAX_KEYS} fields in one mapping: the rest are ignored`, keySpan);
        break;
      }
      if (!yaml().isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.fail('field names must be plain strings', keySpan);
        continue;
      }
      if (this.entries.has(keyNode.value)) {
        this.fail('duplicate field: each field may appear only once in a mapping', keySpan);
        continue;
      }
      const entry: Entry = { key: keyNode.value, keySpan, value: aliases.resolve(pair.value) };
      this.entries.set(entry.key, entry);
      this.order.push(entry);
    }
  }

  /** A reader of a nested mapping that shares this one's diagnostics and alias budget; `subject` names it in messages. */
  child(node: YAMLMap, subject = this.subject): MapReader {
    return new MapReader(node, this.sink, this.aliases, subject);
  }

  /** A node reached other than through a field (a list item): aliases resolved. */
  resolve(node: unknown): Node | null {
    return this.aliases.resolve(node);
  }

  keys(): string[] {
    return this.order.map((e) => e.key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  valueNode(key: string): Node | null | undefined {
    return this.entries.get(key)?.value;
  }

  nodeSpan(): Span {
    const r = this.node.range;
    return r ? [r[0], r[1]] : [0, 0];
  }

  /** The first key of the mapping: where "missing field" problems are reported. */
  headSpan(): Span {
    return this.order[0]?.keySpan ?? this.nodeSpan();
  }

  keySpan(key: string): Span {
    return this.entries.get(key)?.keySpan ?? this.headSpan();
  }

  valueSpan(key: string): Span {
    const e = this.entries.get(key);
    if (!e) return this.headSpan();
    return e.value ? spanOf(e.value, e.keySpan) : e.keySpan;
  }

  valueRange(key: string): SourceRange {
    const [s, e] = this.valueSpan(key);
    return this.sink.range(s, e);
  }

  fail(message: string, span: Span, severity: Severity = 'error'): void {
    if (severity === 'error') this.failed = true;
    this.sink.add(message, span[0], span[1], severity);
  }

  /** Reports every key not in `allowed` (with a "did you mean" hint). */
  checkKeys(allowed: readonly string[], context: string): void {
    for (const e of this.order) {
      if (allowed.includes(e.key)) continue;
      const hint = didYouMean(e.key, allowed);
      this.fail(`unknown field ${quoteShort(e.key)}${context ? ` ${context}` : ''}${hint ? `; did you mean "${hint}"?` : ''}`, e.keySpan);
    }
  }

  missing(key: string, context = ''): void {
    this.fail(`missing required field ${field(key)}${context ? ` ${context}` : ''}`, this.headSpan());
  }

  /** The scalar value, or undefined (with a diagnostic when required or when not a scalar). */
  private scalar(key: string, required: boolean, expected: string): { value: unknown; span: Span } | undefined {
    const e = this.entries.get(key);
    if (!e) {
      if (required) this.missing(key);
      return undefined;
    }
    const span = this.valueSpan(key);
    if (!yaml().isScalar(e.value) || e.value.value === null || e.value.value === undefined) {
      const what = yaml().isMap(e.value) ? 'a mapping' : yaml().isSeq(e.value) ? 'a list' : 'nothing';
      this.fail(`${field(key)} must be ${expected}, got ${what}`, span);
      return undefined;
    }
    return { value: e.value.value, span };
  }

  /**
   * `maxLength`: the longest value accepted (default MAX_STRING_CHARS), checked before anything else reads it.
   * `check`: a further test of the value, returning the problem (shown after the field name) or undefined.
   */
  string(key: string, opts: { required?: boolean; maxLength?: number; pattern?: RegExp; patternHint?: string; check?: (value: string) => string | undefined } = {}): string | undefined {
    const s = this.scalar(key, opts.required ?? false, 'a string');
    if (!s) return undefined;
    if (typeof s.value !== 'string') {
      this.fail(`${field(key)} must be a string, got ${describeValue(s.value)}${typeof s.value === 'number' ? ' (quote it)' : ''}`, s.span);
      return undefined;
    }
    const maxLength = opts.maxLength ?? MAX_STRING_CHARS;
    if (s.value.length > maxLength) {
      this.fail(`${this.subject === undefined ? '' : `${this.subject}: `}${field(key)} is longer than ${maxLength} characters: ${quoteShort(s.value)}`, s.span);
      return undefined;
    }
    if (s.value.trim() === '') {
      this.fail(`${field(key)} must not be empty`, s.span);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(s.value)) {
      this.fail(`${field(key)} ${opts.patternHint ?? `must match ${String(opts.pattern)}`}, got ${quoteShort(s.value)}`, s.span);
      return undefined;
    }
    const problem = opts.check?.(s.value);
    if (problem !== undefined) {
      this.fail(`${field(key)}: ${problem}`, s.span);
      return undefined;
    }
    return s.value;
  }

  number(key: string, opts: NumberOptions = {}): number | undefined {
    const s = this.scalar(key, opts.required ?? false, 'a number');
    if (!s) return undefined;
    if (typeof s.value !== 'number' || !Number.isFinite(s.value)) {
      this.fail(`${field(key)} must be ${opts.integer ? 'a whole number' : 'a number'}, got ${describeValue(s.value)}`, s.span);
      return undefined;
    }
    const v = s.value;
    if (opts.integer && !Number.isInteger(v)) return this.bad(key, `must be a whole number, got ${v}`, s.span);
    if (opts.min !== undefined && v < opts.min) return this.bad(key, `must be at least ${opts.min}, got ${v}`, s.span);
    if (opts.max !== undefined && v > opts.max) return this.bad(key, `must be at most ${opts.max}, got ${v}`, s.span);
    if (opts.above !== undefined && v <= opts.above) return this.bad(key, `must be greater than ${opts.above}, got ${v}`, s.span);
    return v;
  }

  boolean(key: string): boolean | undefined {
    const s = this.scalar(key, false, 'true or false');
    if (!s) return undefined;
    if (typeof s.value !== 'boolean') return this.bad(key, `must be true or false, got ${describeValue(s.value)}`, s.span);
    return s.value;
  }

  oneOf<T extends string>(key: string, values: readonly T[], opts: { required?: boolean } = {}): T | undefined {
    const s = this.scalar(key, opts.required ?? false, `one of ${values.join(', ')}`);
    if (!s) return undefined;
    if (typeof s.value !== 'string' || !(values as readonly string[]).includes(s.value)) {
      const hint = typeof s.value === 'string' ? didYouMean(s.value, values) : undefined;
      return this.bad(key, `must be one of ${values.join(', ')}, got ${describeValue(s.value)}${hint ? `; did you mean "${hint}"?` : ''}`, s.span);
    }
    return s.value as T;
  }

  /** A duration string (30s, 5m, 1h, 1d, 1h30m) in milliseconds, at most MAX_DURATION_DAYS. */
  duration(key: string, opts: { required?: boolean; min?: number } = {}): number | undefined {
    const s = this.scalar(key, opts.required ?? false, 'a duration such as 30s, 5m, 1h or 1d');
    if (!s) return undefined;
    // No duration is this long: a longer value is refused before the parser's regular expression reads it.
    const ms = typeof s.value === 'string' && s.value.length <= MAX_DURATION_CHARS ? parseDuration(s.value) : undefined;
    if (ms === undefined) {
      const hint = typeof s.value === 'number' ? ` (add a unit, e.g. "${s.value}s" or "${s.value}m")` : '';
      return this.bad(key, `must be a duration such as 30s, 5m, 1h or 1d, got ${describeValue(s.value)}${hint}`, s.span);
    }
    if (opts.min !== undefined && ms < opts.min) return this.bad(key, `must be at least ${opts.min} ms, got ${s.value as string}`, s.span);
    if (ms > MAX_DURATION_MS) return this.bad(key, `must be at most ${MAX_DURATION_DAYS}d, got "${s.value as string}"`, s.span);
    return ms;
  }

  /** An ISO 8601 date or date-time (UTC unless an offset is given) in epoch ms. */
  timestamp(key: string): number | undefined {
    const s = this.scalar(key, false, 'an ISO 8601 date-time');
    if (!s) return undefined;
    const text = typeof s.value === 'string' && s.value.length <= MAX_DURATION_CHARS ? s.value.trim() : undefined;
    const parsed = text === undefined ? undefined : parseIsoTimestamp(text);
    if (parsed === undefined || parsed.kind === 'not-iso') return this.bad(key, `must be an ISO 8601 date-time such as 2026-12-31T00:00:00Z, got ${describeValue(s.value)}`, s.span);
    if (parsed.kind === 'impossible') return this.bad(key, `is not a valid date: ${quoteShort(text ?? '')}`, s.span);
    return parsed.ms;
  }

  /** A nested mapping, or undefined (with a diagnostic when present but not a mapping). */
  map(key: string, opts: { required?: boolean } = {}): MapReader | undefined {
    const e = this.entries.get(key);
    if (!e) {
      if (opts.required) this.missing(key);
      return undefined;
    }
    if (!yaml().isMap(e.value)) {
      this.fail(`${field(key)} must be a mapping`, this.valueSpan(key));
      return undefined;
    }
    return this.child(e.value);
  }

  private bad(key: string, message: string, span: Span): undefined {
    this.fail(`${field(key)} ${message}`, span);
    return undefined;
  }
}

/** A field's name in a message: as written, unless it is too long to repeat. */
const field = (key: string): string => quoteShort(key);

/** A value read from the file, for a message: strings quoted and shortened. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quoteShort(value);
  if (value === null || value === undefined) return 'nothing';
  return String(value);
}
