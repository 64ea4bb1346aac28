import type { ExchangeSettings } from '../exchangeSettings';
import { binanceFirstBars } from './binanceFirstBars';
import { bybitFirstBars } from './bybitFirstBars';
import { coinbaseFirstBars } from './coinbaseFirstBars';
import type { FirstBarsExchange } from './klinesShortcut';

/** ccxt options that move an exchange's REST host or route: its first bars are left to ccxt then. */
const HOST_OPTIONS = ['hostname', 'urls', 'sandboxMode', 'proxy', 'proxyUrl', 'httpProxy', 'httpsProxy', 'socksProxy'];

/** The shortcut for an exchange reached at its public REST host or at a compatible `endpoint`; undefined otherwise. */
export function firstBarsExchange(settings: ExchangeSettings): FirstBarsExchange | undefined {
  if (settings.sandbox === true) return undefined;
  const options = settings.options;
  if (options !== undefined && HOST_OPTIONS.some((k) => k in options)) return undefined;
  switch (settings.id) {
    case 'binance':
      return binanceFirstBars(settings.endpoint);
    case 'bybit':
      return bybitFirstBars(settings.endpoint);
    case 'coinbase':
      return coinbaseFirstBars(settings.endpoint);
    default:
      return undefined;
  }
}
