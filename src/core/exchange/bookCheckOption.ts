/**
 * ccxt checks a streamed order book's update ids itself (Binance's U/u: each diff must follow the last) and fails the
 * watch on a jump, which makes the stream take a new snapshot. Its option `checksum` (read by `handleOption`: under
 * `watchOrderBook`, else at the top of `options`, also as `defaultChecksum`) turns that off when it is anything but
 * `true`: a lost diff is then skipped without a word and the book stays wrong for good, which TradeSuite would show
 * as live. So the option is refused at the settings boundary: left out, the check kept, the problem named.
 */
import { show } from './plausible';

const CHECK_KEYS = ['checksum', 'defaultChecksum'] as const;

/** `options` without a setting that turns the book check off; each one left out is reported, naming where it was. */
export function withBookChecksKept(options: Readonly<Record<string, unknown>>, where: string, report: (problem: string) => void): Record<string, unknown> {
  const kept: Record<string, unknown> = { ...options };
  for (const key of CHECK_KEYS) {
    if (key in kept && kept[key] !== true) {
      report(refusal(`${where}.${key}`, kept[key]));
      delete kept[key];
    }
  }
  const method = kept['watchOrderBook'];
  if (typeof method === 'object' && method !== null && !Array.isArray(method)) {
    const methodOptions: Record<string, unknown> = { ...(method as Record<string, unknown>) };
    for (const key of CHECK_KEYS) {
      if (key in methodOptions && methodOptions[key] !== true) {
        report(refusal(`${where}.watchOrderBook.${key}`, methodOptions[key]));
        delete methodOptions[key];
      }
    }
    kept['watchOrderBook'] = methodOptions;
  }
  return kept;
}

function refusal(setting: string, value: unknown): string {
  return `${setting}: ${show(value)} would turn off the exchange's check of its order-book updates (a lost update would leave a wrong book shown as live); left out, the check stays on`;
}
