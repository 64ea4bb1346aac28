/** Builds the wire protocol of an exchange over the shared emulator core. */
import { BinanceProtocol } from './binance/protocol';
import type { ExchangeProtocol, ProtocolHost } from './protocol';
import type { ExchangeId } from './types';

export interface ProtocolSettings {
  readonly tickerIntervalMs: number;
  /** Derivatives exchanges: chance that a generated trade comes with a liquidation. */
  readonly liquidationsPerTrade: number;
}

export function createProtocol(exchange: ExchangeId, host: ProtocolHost, settings: ProtocolSettings): ExchangeProtocol {
  if (exchange !== 'binance') throw new Error(`the ${exchange} protocol is not emulated yet`);
  return new BinanceProtocol(host, settings.tickerIntervalMs);
}
