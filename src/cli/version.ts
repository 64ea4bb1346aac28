/** The package version of the bot, which esbuild.mjs writes into the bundle (`define`). */
declare const TRADESUITE_VERSION: string | undefined;

export function botVersion(): string {
  return typeof TRADESUITE_VERSION === 'string' ? TRADESUITE_VERSION : 'unknown (run from source, not built)';
}
