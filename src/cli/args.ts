/** Command-line arguments of `tradesuite-alerts`, validated with messages that say what to type instead. */
export interface CliArgs {
  readonly config: string;
  readonly exchangeUrls: ReadonlyMap<string, string>;
  readonly state: string | undefined;
  readonly metricsPort: number | undefined;
  readonly cacheDir: string | undefined;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly watch: boolean;
}

export const USAGE = `usage: tradesuite-alerts --config alerts.yaml [--exchange-url binance=http://127.0.0.1:8765]...
                         [--state state.json] [--metrics-port 9464] [--cache-dir DIR] [--log-level info] [--no-watch]`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  let config: string | undefined;
  let state: string | undefined;
  let metricsPort: number | undefined;
  let cacheDir: string | undefined;
  let logLevel: CliArgs['logLevel'] = 'info';
  let watch = true;
  const exchangeUrls = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--config':
        config = value();
        break;
      case '--state':
        state = value();
        break;
      case '--cache-dir':
        cacheDir = value();
        break;
      case '--metrics-port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--metrics-port: "${v}" is not a port number`);
        metricsPort = n;
        break;
      }
      case '--exchange-url': {
        const v = value();
        const m = /^([a-z0-9]+)=(https?:\/\/\S+)$/.exec(v);
        if (!m) throw new UsageError(`--exchange-url: expected exchange=URL such as binance=http://127.0.0.1:8765, got "${v}"`);
        exchangeUrls.set(m[1]!, m[2]!.replace(/\/+$/, ''));
        break;
      }
      case '--log-level': {
        const v = value();
        if (v !== 'debug' && v !== 'info' && v !== 'warn' && v !== 'error') throw new UsageError(`--log-level: expected debug, info, warn or error, got "${v}"`);
        logLevel = v;
        break;
      }
      case '--no-watch':
        watch = false;
        break;
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (!config) throw new UsageError(`--config is required\n${USAGE}`);
  return { config, exchangeUrls, state, metricsPort, cacheDir, logLevel, watch };
}
