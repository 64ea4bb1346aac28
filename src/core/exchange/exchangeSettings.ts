import { TradeSuiteError } from '../errors';
import { endpointUrls } from './endpointOverrides';
import { exchangeIdProblem } from './exchangeIds';
import { show } from './plausible';
import { withBookChecksKept } from './bookCheckOption';
import { MAX_EXCHANGE_ID_CHARS } from '../../shared/util/marketName';
import { hasControlChar } from '../../shared/util/controlChars';

/** How one exchange is reached. Untrusted (it comes from user settings): parse it with parseExchangeSettings. */
export interface ExchangeSettings {
  /** ccxt exchange id, e.g. "binance". */
  readonly id: string;
  /**
   * Base URL of a compatible endpoint (the bundled emulator, a testnet, a proxy), e.g. "http://127.0.0.1:8765".
   * It is mapped onto the exchange's REST and WebSocket URLs.
   */
  readonly endpoint?: string;
  /** Use the exchange's own sandbox/testnet URLs (ccxt setSandboxMode). */
  readonly sandbox?: boolean;
  /** Extra ccxt options, merged over the defaults. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export class InvalidSettingsError extends TradeSuiteError {}

/**
 * `report` hears each problem that did not cost the entry (an option refused and left out); a problem that does is
 * thrown as an InvalidSettingsError.
 */
export function parseExchangeSettings(raw: unknown, where: string, report: (problem: string) => void = () => undefined): ExchangeSettings {
  if (typeof raw === 'string') return { id: checkId(raw, where) };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidSettingsError(`${where}: expected an exchange id or an object with "id", got ${show(raw)}`);
  const r = raw as Record<string, unknown>;
  const settings: { -readonly [K in keyof ExchangeSettings]: ExchangeSettings[K] } = { id: checkId(r.id, `${where}.id`) };
  if (r.endpoint !== undefined) settings.endpoint = checkEndpoint(r.endpoint, settings.id, `${where}.endpoint`);
  if (r.sandbox !== undefined) {
    if (typeof r.sandbox !== 'boolean') throw new InvalidSettingsError(`${where}.sandbox: expected true or false, got ${show(r.sandbox)}`);
    settings.sandbox = r.sandbox;
  }
  if (r.options !== undefined) {
    if (typeof r.options !== 'object' || r.options === null || Array.isArray(r.options)) throw new InvalidSettingsError(`${where}.options: expected an object`);
    settings.options = withBookChecksKept(r.options as Record<string, unknown>, `${where}.options`, report);
  }
  return settings;
}

const EXCHANGE_ID = new RegExp(`^[a-z0-9]{1,${MAX_EXCHANGE_ID_CHARS}}$`);

function checkId(v: unknown, where: string): string {
  if (typeof v !== 'string' || !EXCHANGE_ID.test(v)) throw new InvalidSettingsError(`${where}: expected a ccxt exchange id such as "binance", got ${show(v)}`);
  const problem = exchangeIdProblem(v);
  if (problem) throw new InvalidSettingsError(`${where}: ${problem}`);
  return v;
}

/** An http(s) base URL: a host, no whitespace or control characters, no query or fragment; only where a mapping exists. */
function checkEndpoint(v: unknown, id: string, where: string): string {
  const expected = `${where}: expected an http(s) URL such as "http://127.0.0.1:8765", got ${show(v)}`;
  if (typeof v !== 'string' || v.length > 2000 || /\s/.test(v) || hasControlChar(v)) throw new InvalidSettingsError(expected);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new InvalidSettingsError(expected);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '') throw new InvalidSettingsError(expected);
  const endpoint = v.replace(/\/+$/, '');
  if (!endpointUrls(id, endpoint)) throw new InvalidSettingsError(`${where}: TradeSuite has no endpoint mapping for "${id}": set its URLs in "options" instead`);
  return endpoint;
}
