/** Runs benchFootprintIngest `argv[2]` times and prints the results as JSON (bench/footprintIngest.ts runs it bundled). */
import { benchFootprintIngest, type FootprintIngestResult } from './footprintIngest';

void (async () => {
  const runs = Number(process.argv[2] ?? 5);
  const results: FootprintIngestResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await benchFootprintIngest());
  process.stdout.write(JSON.stringify(results));
})();
