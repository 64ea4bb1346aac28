/**
 * CLI: `npm run emulator -- [--port 8765] [--seed 1] [--rate 5] [--symbols BTC/USDT,ETH/USDT] [--host 127.0.0.1]`,
 * or `npm run emulator -- --replay DIR [--speed 60] [--from 2019-10-11T03:00:00Z]` to replay a recorded market.
 * Starts the exchange emulator, prints its URL and the ccxt options to use; SIGINT/SIGTERM close it cleanly.
 */
import { ExchangeEmulator } from './emulator';
import type { EmulatorOptions, ExchangeId } from './types';

const USAGE =
  'usage: emulator [--port 8765] [--seed 1] [--rate 5] [--symbols BTC/USDT,ETH/USDT] [--host 127.0.0.1] [--history-minutes 360]\n' +
  '       emulator --replay DIR [--speed 1] [--from <ISO time or ms>] [--port 8765] [--host 127.0.0.1]';

function parseArgs(argv: readonly string[]): EmulatorOptions {
  const opts: EmulatorOptions = { port: 8765 };
  const replay: { dir?: string; speed?: number; from?: string } = {};
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    switch (flag) {
      case '--port':
        opts.port = number(flag, value);
        break;
      case '--seed':
        opts.seed = number(flag, value);
        break;
      case '--rate':
        opts.tradesPerSecond = number(flag, value);
        break;
      case '--history-minutes':
        opts.historyMinutes = number(flag, value);
        break;
      case '--host':
        if (!value) throw new Error(`--host needs a value\n${USAGE}`);
        opts.host = value;
        break;
      case '--symbols':
        if (!value) throw new Error(`--symbols needs a comma-separated list\n${USAGE}`);
        opts.symbols = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
        break;
      case '--replay':
        if (!value) throw new Error(`--replay needs a recording folder\n${USAGE}`);
        replay.dir = value;
        break;
      case '--speed':
        replay.speed = number(flag, value);
        break;
      case '--from':
        if (!value) throw new Error(`--from needs an ISO time or ms since the epoch\n${USAGE}`);
        replay.from = value;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument '${arg}'\n${USAGE}`);
    }
  }
  if (replay.dir !== undefined) return { ...opts, replay: { dir: replay.dir, speed: replay.speed, from: replay.from } };
  if (replay.speed !== undefined || replay.from !== undefined) throw new Error(`--speed and --from need --replay DIR\n${USAGE}`);
  return opts;
}

function describeReplay(emulator: ExchangeEmulator<ExchangeId>): void {
  const replay = emulator.replay;
  if (replay === undefined) return;
  const iso = (t: number): string => new Date(t).toISOString();
  const s = replay.state();
  const wallMinutes = (s.end - s.from) / s.speed / 60_000;
  console.log(`replaying ${s.symbol} from ${iso(s.from)} (recorded ${iso(s.start)} to ${iso(s.end)}) at ${s.speed}× real time: about ${wallMinutes.toFixed(1)} min`);
  console.log(`official klines: ${replay.recording.officialIntervals.join(', ') || 'none'}; replay state and ground truth: ${emulator.url}/_emulator/replay`);
  void replay.finished.then(() => console.log(`replay finished at ${iso(s.end)}; still serving the recorded market (Ctrl-C to stop)`));
}

async function main(): Promise<void> {
  const emulator = await ExchangeEmulator.start(parseArgs(process.argv.slice(2)));
  const options = { urls: emulator.ccxtUrls(), options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false } };
  console.log(`TradeSuite exchange emulator listening on ${emulator.url}`);
  if (emulator.replay === undefined) console.log(`symbols: ${emulator.symbols.join(', ')}  seed: ${emulator.seed}  trades/s per symbol: ${emulator.tradesPerSecond}`);
  describeReplay(emulator);
  console.log(`control API: ${emulator.url}/_emulator/ (stats, trades, inject, play, rate, replay, fault/{drop,delay,rest,malformed,restart,clear})`);
  console.log('ccxt (pass an httpAgent too, e.g. new http.Agent(), or plain ws:// URLs are refused):');
  console.log(`  new ccxt.pro.binance(${JSON.stringify(options, null, 2).replace(/\n/g, '\n  ')})`);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: closing emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
