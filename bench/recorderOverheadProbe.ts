/** Runs benchRecorderOverhead once and prints the result as JSON (bench/recorderOverheadBundled.ts runs it bundled). */
import { benchRecorderOverhead } from './recorderOverhead';

void (async () => {
  const [rate, seconds, rounds] = process.argv.slice(2).map(Number);
  process.stdout.write(JSON.stringify(await benchRecorderOverhead(rate, seconds, rounds)));
})();
