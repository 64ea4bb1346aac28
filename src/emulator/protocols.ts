/** Builds the wire protocol of an exchange over the shared emulator core. */
import { BinanceProtocol } from './binance/protocol';
import { BybitProtocol } from './bybit/protocol';
import { CoinbaseProtocol } from './coinbase/protocol';
import type { ExchangeProtocol, ProtocolHost, ProtocolSettings } from './protocol';
import type { ExchangeId } from './types';

export function createProtocol(exchange: ExchangeId, host: ProtocolHost, settings: ProtocolSettings): ExchangeProtocol {
  switch (exchange) {
    case 'binance':
      return new BinanceProtocol(host, settings);
    case 'coinbase':
      return new CoinbaseProtocol(host, settings.tickerIntervalMs, settings.tickerBatchMs, settings.coinbaseRefusal, settings.coinbaseIdleChannelsMs, settings.coinbaseAliasSubscriptions);
    case 'bybit':
      return new BybitProtocol(host, settings);
    default: {
      const unknown: never = exchange;
      throw new Error(`no protocol for exchange ${String(unknown)}`);
    }
  }
}
