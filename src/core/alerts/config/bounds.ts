/**
 * The limits alerts.yaml must stay within before any of it reaches the YAML library: size and nesting depth (deep
 * flow collections abort the process inside the library, which cannot be caught). The scan uses the library's
 * lexer, a flat state machine, so it is linear in the text and never recurses.
 */
import { yaml } from './yaml';

/** Larger files are refused without being parsed. */
export const MAX_FILE_CHARS = 1_048_576;
/**
 * Files up to this size are parsed on the calling thread (a few ms); larger ones in a worker (loadAlertsConfig):
 * the YAML library alone takes 5-15 ms for a 3 KB file on a busy machine, more than a frame.
 */
export const MAIN_THREAD_CHARS = 1024;
/** Nested collections (flow brackets, block indentation levels and compact "- - -" items together). */
export const MAX_DEPTH = 64;
/** Fields in one mapping: alerts.yaml mappings have at most a dozen. */
export const MAX_KEYS = 1000;
/** Nodes read through aliases in the whole file: aliases are resolved, never expanded without bound. */
export const MAX_ALIAS_NODES = 10_000;
/** A parse in a worker that takes longer is abandoned with a diagnostic. */
export const PARSE_TIMEOUT_MS = 10_000;

/**
 * The longest value of each string field. A value is repeated in messages, the Alerts view and every alert: a
 * 100,000-character symbol filled them all. Symbols and exchange ids: MAX_SYMBOL_CHARS and MAX_EXCHANGE_ID_CHARS
 * (src/shared/util/marketName.ts), as an exchange's market names and the exchanges setting are held to.
 */
export const MAX_RULE_ID_CHARS = 100;
export const MAX_RULE_NAME_CHARS = 200;
/** Any other string (a notifier's host, user, environment variable name). */
export const MAX_STRING_CHARS = 256;
export const MAX_URL_CHARS = 2048;
/** RFC 5321: 64 characters of local part, @, 255 of domain. */
export const MAX_EMAIL_CHARS = 320;
/** A header value holds a token (a JWT is a few KB); a header name is a short word. */
export const MAX_HEADER_VALUE_CHARS = 8192;
export const MAX_HEADER_NAME_CHARS = 256;
/** Durations ("1h30m") and timestamps ("2026-12-31T23:59:59.999+01:00"): a longer value is neither. */
export const MAX_DURATION_CHARS = 64;

export interface BoundProblem {
  readonly message: string;
  readonly offset: number;
}

/** The first limit `text` breaks, or undefined. */
export function checkBounds(text: string): BoundProblem | undefined {
  if (text.length > MAX_FILE_CHARS) return { message: `alerts.yaml is ${text.length.toLocaleString('en')} characters; the limit is ${MAX_FILE_CHARS.toLocaleString('en')}: split it or remove unused rules`, offset: 0 };
  let offset = 0;
  let flow = 0;
  /** Indentation columns of the open block levels, innermost last. */
  const indents: number[] = [];
  let lineIndent = 0;
  let lineStarted = false;
  let lineItems = 0;
  for (const token of new (yaml().Lexer)().lex(text)) {
    if (CONTROL_TOKENS.has(token)) continue; // the lexer's markers are not part of the text
    const start = offset;
    offset += token.length;
    if (token === '\n' || token === '\r\n' || token === '\r') {
      lineIndent = 0;
      lineStarted = false;
      lineItems = 0;
      continue;
    }
    if (!lineStarted && /^[ \t]+$/.test(token)) {
      lineIndent = token.length;
      continue;
    }
    if (token.startsWith('#')) continue; // comments do not open or close anything
    if (!lineStarted && flow === 0) {
      while ((indents.at(-1) ?? -1) >= lineIndent) indents.pop();
      indents.push(lineIndent);
    }
    lineStarted = true;
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    else if (token === '-' || token === '?') lineItems++;
    if (flow + indents.length + lineItems > MAX_DEPTH) return { message: `nested more than ${MAX_DEPTH} levels deep (alerts.yaml needs a few)`, offset: start };
  }
  return undefined;
}

/** DOCUMENT, FLOW_END and SCALAR markers of yaml's Lexer. */
const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f']);
