/** Coinbase Advanced Trade wire formats: decimals without trailing zeros, RFC 3339 times, candle granularities. */
import { trimmedUnits } from '../decimal';
import type { SymbolSpec } from '../symbols';

/** The granularities of the candles endpoint and the emulator's bucket interval for each. */
export const GRANULARITIES: Readonly<Record<string, { readonly interval: string; readonly seconds: number }>> = {
  ONE_MINUTE: { interval: '1m', seconds: 60 },
  FIVE_MINUTE: { interval: '5m', seconds: 300 },
  FIFTEEN_MINUTE: { interval: '15m', seconds: 900 },
  THIRTY_MINUTE: { interval: '30m', seconds: 1800 },
  ONE_HOUR: { interval: '1h', seconds: 3600 },
  TWO_HOUR: { interval: '2h', seconds: 7200 },
  SIX_HOUR: { interval: '6h', seconds: 21600 },
  ONE_DAY: { interval: '1d', seconds: 86400 },
};

export const price = (spec: SymbolSpec, units: number | bigint): string => trimmedUnits(units, spec.pricePrecision);
export const size = (spec: SymbolSpec, units: number | bigint): string => trimmedUnits(units, spec.amountPrecision);

/** A trade time as Coinbase writes it, with microseconds: "2023-01-11T00:52:37.557000Z". */
export function isoMicros(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** A message timestamp, with nanoseconds: "2023-02-09T20:30:37.167000000Z". */
export function isoNanos(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000000Z`;
}

/** The heartbeat's current_time, in Go's time format: "2023-06-23 20:31:56.121000000 +0000 UTC m=+91717.525000000". */
export function heartbeatTime(ms: number, uptimeMs: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000 +0000 UTC m=+${(uptimeMs / 1000).toFixed(9)}`;
}
