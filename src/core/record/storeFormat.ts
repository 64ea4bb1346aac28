/** The version of the record store's files, which each file records in its footer; a reader refuses a newer one by name. */

export const FORMAT_KEY = 'tradesuite.format';
export const FORMAT_VERSION = '1';

/**
 * What keeps this reader from a file of the recorded format `value` (the footer's last entry of the key, as a map
 * reads it); undefined when it reads it. A file without the key is of the first format.
 */
export function formatProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === FORMAT_VERSION) return undefined;
  return `it is in format ${JSON.stringify(value.slice(0, 20))} of the record store, and this TradeSuite reads format ${FORMAT_VERSION}: a newer TradeSuite wrote it`;
}
