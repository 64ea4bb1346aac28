/**
 * CLI: `npm run emulator -- [--exchange binance,coinbase,bybit] [--port 8765] [--seed 1] [--rate 5]
 * [--symbols BTC/USDT | binance:BTC/USDT,coinbase:BTC/USD] [--markets small|real-size] [--host 127.0.0.1] [--history-minutes 360]`,
 * or `npm run emulator -- --replay DIR [--speed 60] [--from 2019-10-11T03:00:00Z]` to replay a recorded (Binance) market.
 * Starts one emulator per exchange, each on its own port (the first on --port, the next ones on the following
 * ports; 0 = any free port), prints each URL and the ccxt options to use; SIGINT/SIGTERM close them cleanly.
 */
import { ExchangeEmulator } from './emulator';
import { DEFAULT_TRADES_PER_SECOND, liveHistoryVolumeScale } from './historyVolume';
import { isExchangeId, type EmulatorOptions, type ExchangeId } from './types';

const USAGE =
  'usage: emulator [--exchange binance,coinbase,bybit] [--port 8765] [--seed 1] [--rate 5] [--symbols BTC/USDT | binance:BTC/USDT,coinbase:BTC/USD] [--markets small|real-size] [--host 127.0.0.1] [--history-minutes 360]\n' +
  '       emulator --replay DIR [--speed 1] [--from <ISO time or ms>] [--port 8765] [--host 127.0.0.1]';

interface Cli {
  readonly exchanges: ExchangeId[];
  readonly options: Omit<EmulatorOptions, 'exchange' | 'symbols'>;
  /** Symbols per exchange ('exchange:SYMBOL'; bare symbols only when one exchange is served). */
  readonly symbols: { readonly exchange: ExchangeId | undefined; readonly symbol: string }[];
}

function parseArgs(argv: readonly string[]): Cli {
  const opts: Omit<EmulatorOptions, 'exchange' | 'symbols'> = { port: 8765 };
  let exchanges: ExchangeId[] = ['binance'];
  let symbols: Cli['symbols'] = [];
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
      case '--exchange':
      case '--exchanges': {
        const list = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        const bad = list.filter((e) => !isExchangeId(e));
        if (list.length === 0 || bad.length > 0) throw new Error(`--exchange takes a comma-separated list of binance, coinbase, bybit${bad.length > 0 ? `; unknown: ${bad.join(', ')}` : ''}\n${USAGE}`);
        exchanges = [...new Set(list as ExchangeId[])];
        break;
      }
      case '--port':
        opts.port = number(flag, value);
        break;
      case '--seed':
        opts.seed = number(flag, value);
        break;
      case '--rate':
        opts.tradesPerSecond = number(flag, value);
        break;
      case '--markets':
        if (value !== 'small' && value !== 'real-size') throw new Error(`--markets takes small or real-size\n${USAGE}`);
        opts.markets = value;
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
        symbols = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s) => {
            const colon = s.indexOf(':');
            const prefix = colon > 0 ? s.slice(0, colon) : '';
            return isExchangeId(prefix) ? { exchange: prefix, symbol: s.slice(colon + 1) } : { exchange: undefined, symbol: s };
          });
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
  if (exchanges.length > 1 && symbols.some((s) => s.exchange === undefined)) {
    throw new Error(`with several exchanges, name each symbol's exchange: --symbols binance:BTC/USDT,coinbase:BTC/USD,bybit:BTC/USDT:USDT\n${USAGE}`);
  }
  if (replay.dir !== undefined) {
    if (exchanges.length !== 1 || exchanges[0] !== 'binance') throw new Error(`--replay replays a recorded Binance market: it takes no other --exchange\n${USAGE}`);
    opts.replay = { dir: replay.dir, speed: replay.speed, from: replay.from };
  } else if (replay.speed !== undefined || replay.from !== undefined) {
    throw new Error(`--speed and --from need --replay DIR\n${USAGE}`);
  }
  // A bar of the history has about the volume of a live one (the history trades fewer but larger): no jump at the seam.
  if (opts.replay === undefined) opts.historyVolumeScale = liveHistoryVolumeScale(opts.tradesPerSecond ?? DEFAULT_TRADES_PER_SECOND);
  return { exchanges, options: opts, symbols };
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
  const cli = parseArgs(process.argv.slice(2));
  const emulators: ExchangeEmulator<ExchangeId>[] = [];
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: closing emulator${emulators.length > 1 ? 's' : ''}`);
    Promise.all(emulators.map((e) => e.close())).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  for (const [i, exchange] of cli.exchanges.entries()) {
    const port = cli.options.port === 0 || cli.options.port === undefined ? 0 : cli.options.port + i;
    const symbols = cli.symbols.filter((s) => s.exchange === undefined || s.exchange === exchange).map((s) => s.symbol);
    const emulator = await ExchangeEmulator.start<ExchangeId>({ ...cli.options, port, exchange, ...(symbols.length > 0 ? { symbols } : {}) });
    emulators.push(emulator);
    const name = cli.exchanges.length > 1 ? ` (${exchange})` : '';
    console.log(`TradeSuite exchange emulator${name} listening on ${emulator.url}`);
    if (emulator.replay === undefined) console.log(`  ${exchange} · symbols: ${emulator.symbols.length > 12 ? `${emulator.symbols.length} markets (${emulator.liveSymbols().join(', ')} simulating)` : emulator.symbols.join(', ')}  seed: ${emulator.seed}  trades/s per symbol: ${emulator.tradesPerSecond}`);
    describeReplay(emulator);
    console.log(`  settings: { "id": "${exchange}", "endpoint": "${emulator.url}" }`);
    console.log(`  control API: ${emulator.url}/_emulator/ (stats, trades, tickers, inject, play, rate, spread, ${emulator.replay === undefined ? '' : 'replay, '}fault/{drop,delay,rest,malformed,restart,clear}${exchange === 'bybit' ? ', liquidations, derivatives' : ''})`);
    console.log(`  ccxt (pass an httpAgent too, e.g. new http.Agent(), or plain ws:// URLs are refused): new ccxt.pro.${exchange}(${JSON.stringify(emulator.ccxtConfig())})`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
