/** A list of numbers stored losslessly in the fewest bytes: whole units of their decimals from a base in 32 bits, or as they are. Pure; no vscode import. */

/** Decimals tried before a list is kept as 64-bit floats. */
const MAX_DECIMALS = 12;

export type PackedNumbers =
  /** value = (base + data[i]) / scale, exactly (checked when packed). */
  | { readonly base: number; readonly scale: number; readonly data: Int32Array }
  | { readonly data: Float64Array };

/**
 * Prices and sizes of a book have a few decimals and a narrow range: as whole units of 10^-decimals counted from the
 * first value, they fit in 32 bits, half of a float. A value with more decimals than MAX_DECIMALS, or a list whose
 * units spread past 32 bits, is kept as 64-bit floats, so nothing is ever rounded.
 */
export function packNumbers(values: ArrayLike<number>): PackedNumbers {
  const n = values.length;
  let decimals = 0;
  let scale = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) return { data: Float64Array.from(values) };
    while (Math.round(v * scale) / scale !== v) {
      if (++decimals > MAX_DECIMALS) return { data: Float64Array.from(values) };
      scale *= 10;
    }
  }
  const base = n > 0 ? Math.round((values[0] as number) * scale) : 0;
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const offset = Math.round((values[i] as number) * scale) - base;
    if (offset > 0x7fffffff || offset < -0x80000000) return { data: Float64Array.from(values) };
    data[i] = offset;
  }
  return { base, scale, data };
}

export function unpackNumbers(p: PackedNumbers): number[] {
  const out: number[] = [];
  if ('scale' in p) for (const offset of p.data) out.push((p.base + offset) / p.scale);
  else for (const v of p.data) out.push(v);
  return out;
}
