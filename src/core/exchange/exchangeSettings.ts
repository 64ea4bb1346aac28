import { TradeSuiteError } from '../errors';

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

export function parseExchangeSettings(raw: unknown, where: string): ExchangeSettings {
  if (typeof raw === 'string') return { id: checkId(raw, where) };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidSettingsError(`${where}: expected an exchange id or an object with "id", got ${JSON.stringify(raw)}`);
  const r = raw as Record<string, unknown>;
  const settings: { -readonly [K in keyof ExchangeSettings]: ExchangeSettings[K] } = { id: checkId(r.id, `${where}.id`) };
  if (r.endpoint !== undefined) {
    if (typeof r.endpoint !== 'string' || !/^https?:\/\/[^/\s]+/.test(r.endpoint)) throw new InvalidSettingsError(`${where}.endpoint: expected an http(s) URL such as "http://127.0.0.1:8765", got ${JSON.stringify(r.endpoint)}`);
    settings.endpoint = r.endpoint.replace(/\/+$/, '');
  }
  if (r.sandbox !== undefined) {
    if (typeof r.sandbox !== 'boolean') throw new InvalidSettingsError(`${where}.sandbox: expected true or false, got ${JSON.stringify(r.sandbox)}`);
    settings.sandbox = r.sandbox;
  }
  if (r.options !== undefined) {
    if (typeof r.options !== 'object' || r.options === null || Array.isArray(r.options)) throw new InvalidSettingsError(`${where}.options: expected an object`);
    settings.options = r.options as Record<string, unknown>;
  }
  return settings;
}

function checkId(v: unknown, where: string): string {
  if (typeof v !== 'string' || !/^[a-z0-9]+$/.test(v)) throw new InvalidSettingsError(`${where}: expected a ccxt exchange id such as "binance", got ${JSON.stringify(v)}`);
  return v;
}
