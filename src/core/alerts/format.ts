/** Number wording for alert messages: grouped thousands, precision that follows the magnitude. */

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const decimals = abs >= 1000 ? 2 : abs >= 1 ? 4 : abs === 0 ? 0 : Math.min(12, 3 - Math.floor(Math.log10(abs)));
  return value.toLocaleString('en-US', { maximumFractionDigits: decimals });
}

export function formatSigned(value: number): string {
  return value > 0 ? `+${formatNumber(value)}` : formatNumber(value);
}

export function formatPercent(value: number, signed = true): string {
  const text = Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(Math.abs(value) >= 1 ? 2 : 3);
  return `${signed && value > 0 ? '+' : ''}${text}%`;
}
