/** `notifiers:` — shape validation only; the headless bot builds the notifiers from these. */
import { yaml } from './yaml';
import { assertNever } from '../../util/assertNever';
import type { NotifierConfig, NotifierDelivery } from '../rules';
import { NOTIFIER_FIELDS, NOTIFIER_TYPES, type NotifierType } from './fields';
import { describeValue, spanOf, type MapReader } from './mapReader';
import { MAX_EMAIL_CHARS, MAX_HEADER_NAME_CHARS, MAX_HEADER_VALUE_CHARS, MAX_URL_CHARS } from './bounds';
import { quoteShort } from '../../../shared/util/shortText';

export function parseNotifier(m: MapReader): NotifierConfig | undefined {
  const type = m.oneOf<NotifierType>('type', NOTIFIER_TYPES, { required: true });
  if (type === undefined) return undefined;
  m.checkKeys(NOTIFIER_FIELDS[type], `for a ${type} notifier`);
  const config = readNotifier(m, type);
  return m.failed ? undefined : config;
}

function readNotifier(m: MapReader, type: NotifierType): NotifierConfig | undefined {
  switch (type) {
    case 'console': {
      const json = m.boolean('json');
      return { type, ...(json !== undefined ? { json } : {}) };
    }
    case 'webhook': {
      const url = m.string('url', { required: true, maxLength: MAX_URL_CHARS, pattern: /^https?:\/\/\S+$/i, patternHint: 'must be an http:// or https:// URL' });
      const delivery = readDelivery(m);
      const headers = readHeaders(m);
      if (url === undefined) return undefined;
      return { type, url, ...delivery, ...(headers ? { headers } : {}) };
    }
    case 'email': {
      const host = m.string('host', { required: true });
      const port = m.number('port', { required: true, integer: true, min: 1, max: 65535 });
      const secure = m.boolean('secure');
      const user = m.string('user');
      const passwordEnv = m.string('passwordEnv', { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, patternHint: 'must be the name of an environment variable' });
      const from = m.string('from', { required: true, maxLength: MAX_EMAIL_CHARS, pattern: /@/, patternHint: 'must be an email address' });
      const to = readRecipients(m);
      const delivery = readDelivery(m);
      if (host === undefined || port === undefined || from === undefined || to === undefined) return undefined;
      return {
        type,
        host,
        port,
        ...(secure !== undefined ? { secure } : {}),
        ...(user !== undefined ? { user } : {}),
        ...(passwordEnv !== undefined ? { passwordEnv } : {}),
        from,
        to,
        ...delivery,
      };
    }
    default:
      return assertNever(type);
  }
}

function readDelivery(m: MapReader): NotifierDelivery {
  const timeoutMs = m.number('timeoutMs', { integer: true, min: 1 });
  const retries = m.number('retries', { integer: true, min: 0, max: 20 });
  return { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(retries !== undefined ? { retries } : {}) };
}

/** RFC 9110 token characters. */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function readHeaders(m: MapReader): Record<string, string> | undefined {
  const h = m.map('headers');
  if (!h) return undefined;
  const out: Record<string, string> = {};
  for (const key of h.keys()) {
    if (key.length > MAX_HEADER_NAME_CHARS || !HTTP_TOKEN.test(key) || key === '__proto__') {
      // "__proto__" would be swallowed by the object the headers are kept in, so it is refused out loud
      h.fail(`header name ${quoteShort(key)} ${key === '__proto__' ? 'cannot be sent' : key.length > MAX_HEADER_NAME_CHARS ? `is longer than ${MAX_HEADER_NAME_CHARS} characters` : 'is not a valid HTTP header name'}`, h.keySpan(key));
      continue;
    }
    const value = h.string(key, { maxLength: MAX_HEADER_VALUE_CHARS, pattern: /^\P{Cc}*$/u, patternHint: 'must not contain line breaks or control characters' });
    if (value !== undefined) out[key] = value;
  }
  if (h.failed) m.failed = true;
  return out;
}

/** `to:` — one address or a list of them. */
function readRecipients(m: MapReader): string[] | undefined {
  const node = m.valueNode('to');
  if (node === undefined) {
    m.missing('to');
    return undefined;
  }
  const items = yaml().isSeq(node) ? node.items.map((item) => m.resolve(item)) : [node];
  const out: string[] = [];
  for (const item of items) {
    const value = yaml().isScalar(item) ? item.value : null;
    const ok = typeof value === 'string' && value.length <= MAX_EMAIL_CHARS && /^[^@\s]+@[^@\s]+$/.test(value);
    if (ok) out.push(value);
    else m.fail(`"to" must be an email address (at most ${MAX_EMAIL_CHARS} characters) or a list of them${yaml().isMap(item) ? '' : `, got ${describeValue(value)}`}`, spanOf(item as never, m.valueSpan('to')));
  }
  if (out.length === 0 && !m.failed) m.fail('"to" needs at least one address', m.valueSpan('to'));
  return m.failed ? undefined : out;
}
