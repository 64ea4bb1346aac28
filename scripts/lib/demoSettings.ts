/** The settings `npm start` gives its demo workspace and profile, merged with what an earlier run or the user left. */

const DEMO_FAVOURITES = ['binance:BTC/USDT', 'binance:ETH/USDT', 'coinbase:BTC/USD', 'bybit:BTC/USDT:USDT'];

/**
 * The user's favourites, plus the demo's for each demo exchange that has none: a workspace from an older `npm start`
 * (Binance only) would otherwise never show the other exchanges' favourites.
 */
export function demoFavourites(saved: unknown): string[] {
  const kept = Array.isArray(saved) ? saved.filter((f): f is string => typeof f === 'string') : [];
  const exchangeOf = (f: string) => f.slice(0, f.indexOf(':'));
  const covered = new Set(kept.map(exchangeOf));
  return [...kept, ...DEMO_FAVOURITES.filter((f) => !covered.has(exchangeOf(f)))];
}

/** The demo profile's defaults. The empty secondary side bar (chat) would take a third of the window from the charts. */
const DEMO_USER_DEFAULTS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Dark Modern',
};

/** The defaults a demo profile lacks (one from an older `npm start` too) added, never overriding the user's own. */
export function withDemoUserDefaults(saved: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...DEMO_USER_DEFAULTS, ...saved };
}
