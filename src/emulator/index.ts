/** Public API of the local Binance spot exchange emulator (no ccxt dependency). */
export { ExchangeEmulator, type BookLevelsSnapshot, type CcxtUrls, type EmulatorEvents } from './emulator';
export { CONTROL_PREFIX } from './controlApi';
export { DEFAULT_SYMBOLS } from './symbols';
export { KLINE_INTERVALS } from './klines';
export type {
  EmulatorOptions,
  EmulatorSide,
  EmulatorStats,
  EmulatorTicker,
  EmulatorTrade,
  MalformedKind,
  PlayPathOptions,
  RestFault,
  RestFaultStatus,
  TradeInput,
} from './types';
