/**
 * Small validators for protocol messages: each returns undefined for a valid value or an error naming the path and
 * what was expected (`params.bids[3][0]: expected a number > 0, got "x"`). Pure, no DOM, never throws on JSON-like
 * input; time is linear in the size of the value checked.
 */
export type Check = (v: unknown, path: string) => string | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (Object.is(v, -0)) return '-0';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v;
}

const expected = (path: string, what: string, v: unknown) => `${path}: expected ${what}, got ${shown(v)}`;

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** Strictly greater than. */
  readonly above?: number;
  readonly integer?: boolean;
}

export function num(range: NumberRange = {}): Check {
  const parts = [range.integer ? 'a whole number' : 'a number'];
  if (range.above !== undefined) parts.push(`> ${range.above}`);
  if (range.min !== undefined) parts.push(`≥ ${range.min}`);
  if (range.max !== undefined) parts.push(`≤ ${range.max}`);
  const what = parts.join(' ');
  return (v, path) => {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!range.integer || Number.isInteger(v)) &&
      (range.above === undefined || v > range.above) &&
      (range.min === undefined || v >= range.min) &&
      (range.max === undefined || v <= range.max);
    return ok ? undefined : expected(path, what, v);
  };
}

export function str(maxLength: number, opts: { nonEmpty?: boolean } = {}): Check {
  return (v, path) => (typeof v === 'string' && v.length <= maxLength && (!opts.nonEmpty || v.length > 0) ? undefined : expected(path, `${opts.nonEmpty ? 'a non-empty ' : 'a '}string of at most ${maxLength} characters`, v));
}

export const bool: Check = (v, path) => (typeof v === 'boolean' ? undefined : expected(path, 'true or false', v));

export function oneOf(values: readonly string[]): Check {
  return (v, path) => (typeof v === 'string' && values.includes(v) ? undefined : expected(path, `one of ${values.join(', ')}`, v));
}

export function optional(check: Check): Check {
  return (v, path) => (v === undefined ? undefined : check(v, path));
}

export function nullable(check: Check): Check {
  return (v, path) => (v === null ? undefined : check(v, path));
}

export function arrayOf(item: Check): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return expected(path, 'a list', v);
    for (let i = 0; i < v.length; i++) {
      const e = item(v[i], `${path}[${i}]`);
      if (e !== undefined) return e;
    }
    return undefined;
  };
}

/** A fixed-length list such as [price, amount]. */
export function tuple(...items: Check[]): Check {
  return tupleWithTail(items, []);
}

/** A list of the `required` items, then up to `tail.length` more (e.g. a flag sent only when it is set). */
export function tupleWithTail(required: readonly Check[], tail: readonly Check[]): Check {
  const items = [...required, ...tail];
  const what = tail.length === 0 ? `a list of ${required.length}` : `a list of ${required.length} to ${items.length}`;
  return (v, path) => {
    if (!Array.isArray(v) || v.length < required.length || v.length > items.length) return expected(path, what, v);
    for (let i = 0; i < v.length; i++) {
      const check = items[i];
      const e = check ? check(v[i], `${path}[${i}]`) : undefined;
      if (e !== undefined) return e;
    }
    return undefined;
  };
}

/** An object with these fields (extra fields are ignored, never read). */
export function record(fields: Readonly<Record<string, Check>>): Check {
  const entries = Object.entries(fields);
  return (v, path) => {
    if (!isRecord(v)) return expected(path, 'an object', v);
    for (const [key, check] of entries) {
      const e = check(Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined, `${path}.${key}`);
      if (e !== undefined) return e;
    }
    return undefined;
  };
}

/** Both checks must pass (e.g. a list of candles that is also sorted). */
export function both(a: Check, b: Check): Check {
  return (v, path) => a(v, path) ?? b(v, path);
}

/** A flat list of fixed-size groups (`[p0, a0, p1, a1, …]`, compact on the wire), each group checked item by item. */
export function flatGroups(...items: Check[]): Check {
  const size = items.length;
  return (v, path) => {
    if (!Array.isArray(v) || v.length % size !== 0) return expected(path, `a list of groups of ${size}`, v);
    for (let i = 0; i < v.length; i++) {
      const e = items[i % size]?.(v[i], `${path}[${i}]`);
      if (e !== undefined) return e;
    }
    return undefined;
  };
}
