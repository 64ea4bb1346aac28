/** How a heatmap names the late trades older than every column it holds (counted by the host, never drawn). Pure. */

/** "412 trades fetched late after a reconnect are older than the oldest column: not drawn"; null for none. */
export function beforeColumnsNote(count: number): string | null {
  if (!Number.isInteger(count) || count <= 0) return null;
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'trade' : 'trades'} fetched late after a reconnect ${count === 1 ? 'is' : 'are'} older than the oldest column: not drawn`;
}
