/** Public API of the local exchange emulator: Binance spot and USDⓈ-M perpetuals, Coinbase Advanced Trade, Bybit v5 linear (no ccxt dependency). */
export { ExchangeEmulator, type BookLevelsSnapshot, type CcxtUrls, type CcxtUrlsByExchange, type EmulatorEvents } from './emulator';
export { CONTROL_PREFIX } from './controlApi';
export { DEFAULT_SYMBOLS, DEFAULT_SYMBOLS_BY_EXCHANGE } from './symbols';
export { KLINE_INTERVALS } from './klines';
export { liveHistoryVolumeScale } from './historyVolume';
export { loadRecording, type OfficialKline, type RecordedTrade, type Recording } from './replay/recording';
export type { Replay, ReplayState } from './replay/replay';
export type { DerivativesSnapshot } from './protocol';
export { EXCHANGE_IDS, isExchangeId } from './types';
export type {
  EmulatorLiquidation,
  EmulatorOptions,
  EmulatorSide,
  EmulatorStats,
  EmulatorTicker,
  EmulatorTrade,
  ExchangeId,
  LiquidationInput,
  MalformedKind,
  PlayPathOptions,
  RestFault,
  ReplayOptions,
  RestFaultStatus,
  RestLogEntry,
  TradeInput,
  WeightLimit,
} from './types';
