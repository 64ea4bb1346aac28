/**
 * Cuts a time window out of a recording folder into a compact, gzipped test fixture that the emulator's replay
 * reads like the original: `node --import tsx scripts/excerpt-recording.ts SRC DST --from ISO --to ISO`.
 * Trades are kept as their raw Binance aggTrades rows (the `info` of ccxt trades), klines as they are; only rows
 * with a time in [from, to) are kept. The output is deterministic (same input, same bytes).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

function usage(message: string): never {
  console.error(`${message}\nusage: excerpt-recording SRC DST --from <ISO time> --to <ISO time>`);
  process.exit(2);
}

function readJson(path: string): unknown {
  const bytes = readFileSync(path);
  return JSON.parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as unknown;
}

function writeGzipJson(path: string, rows: readonly unknown[]): void {
  const text = `[${rows.map((r) => JSON.stringify(r)).join(',\n')}]\n`;
  writeFileSync(path, gzipSync(text, { level: 9 }));
  console.log(`${path}: ${rows.length} rows`);
}

function main(argv: readonly string[]): void {
  const [src, dst, ...rest] = argv;
  if (src === undefined || dst === undefined) usage('SRC and DST folders are required');
  const flag = (name: string): number => {
    const i = rest.indexOf(name);
    const t = Date.parse(rest[i + 1] ?? '');
    if (i < 0 || !Number.isFinite(t)) usage(`${name} needs an ISO time`);
    return t;
  };
  const from = flag('--from');
  const to = flag('--to');
  mkdirSync(dst, { recursive: true });
  for (const name of readdirSync(src).sort()) {
    const match = /^(.+)-(trades|[0-9]+[smhdwM])\.json(\.gz)?$/.exec(name);
    if (!match) continue;
    const rows = readJson(join(src, name));
    if (!Array.isArray(rows)) usage(`${name} is not a JSON array`);
    const out = `${match[1]}-${match[2]}.json.gz`;
    if (match[2] === 'trades') {
      const raw = rows.map((r: unknown) => (typeof r === 'object' && r !== null && 'info' in r ? (r as { info: unknown }).info : r) as { T: number });
      writeGzipJson(join(dst, out), raw.filter((t) => t.T >= from && t.T < to));
    } else {
      writeGzipJson(join(dst, out), (rows as [number][]).filter((k) => k[0] >= from && k[0] < to));
    }
  }
}

main(process.argv.slice(2));
