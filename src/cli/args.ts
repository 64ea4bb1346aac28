/** Command-line arguments of `tradesuite-alerts`, validated with messages that say what to type instead. */
import { ENDPOINT_EXCHANGES, endpointUrls } from '../core/exchange/endpointOverrides';
import { exchangeIdProblem } from '../core/exchange/exchangeIds';

export interface CliArgs {
  readonly config: string;
  readonly exchangeUrls: ReadonlyMap<string, string>;
  readonly state: string | undefined;
  readonly metricsPort: number | undefined;
  readonly cacheDir: string | undefined;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly watch: boolean;
  /** Record the markets of the rules into this folder (the embedded Parquet store); undefined: no recording. */
  readonly record: string | undefined;
  readonly recordRetentionDays: number | undefined;
  readonly recordMaxBytes: number | undefined;
  /** Record into ClickHouse instead (`--record-store clickhouse`): its HTTP URL, database and user; undefined: the embedded store. */
  readonly recordClickHouse: { readonly url: string; readonly database: string; readonly user: string } | undefined;
}

export const USAGE = `usage: tradesuite-alerts --config alerts.yaml [--exchange-url binance=http://127.0.0.1:8765]...
                         [--state state.json] [--metrics-port 9464] [--cache-dir DIR] [--log-level info] [--no-watch]
                         [--record DIR [--record-retention-days N] [--record-max-gb N]]
                         [--record-store clickhouse [--clickhouse-url http://127.0.0.1:8123] [--clickhouse-database tradesuite]
                                                    [--clickhouse-user NAME]]   (password: env TRADESUITE_CLICKHOUSE_PASSWORD)
       tradesuite-alerts --help | --version`;

export class UsageError extends Error {}

/** What the command line asks for: a run, or the usage or version printed (to stdout, exit 0). */
export type CliCommand = { readonly kind: 'run'; readonly args: CliArgs } | { readonly kind: 'help' } | { readonly kind: 'version' };

/** Arguments before `--help` or `--version` are still checked: a typo there is reported, not hidden by the help. */
export function parseCommand(argv: readonly string[]): CliCommand {
  let config: string | undefined;
  let state: string | undefined;
  let metricsPort: number | undefined;
  let cacheDir: string | undefined;
  let logLevel: CliArgs['logLevel'] = 'info';
  let watch = true;
  let record: string | undefined;
  let recordRetentionDays: number | undefined;
  let recordMaxBytes: number | undefined;
  let recordStore: 'embedded' | 'clickhouse' | undefined;
  const clickHouse = { url: 'http://127.0.0.1:8123', database: 'tradesuite', user: '' };
  const clickHouseFlags: string[] = [];
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
        const [, id, url] = /^([a-z0-9]+)=(https?:\/\/\S+)$/.exec(v) ?? [];
        if (id === undefined || url === undefined) throw new UsageError(`--exchange-url: expected exchange=URL such as binance=http://127.0.0.1:8765, got "${v}"`);
        const problem = exchangeIdProblem(id);
        if (problem !== undefined) throw new UsageError(`--exchange-url ${id}: ${problem}`);
        if (!endpointUrls(id, url)) throw new UsageError(`--exchange-url ${id}: TradeSuite has no endpoint mapping for "${id}" (only for ${ENDPOINT_EXCHANGES.join(', ')}): its rules would fail`);
        exchangeUrls.set(id, url.replace(/\/+$/, ''));
        break;
      }
      case '--log-level': {
        const v = value();
        if (v !== 'debug' && v !== 'info' && v !== 'warn' && v !== 'error') throw new UsageError(`--log-level: expected debug, info, warn or error, got "${v}"`);
        logLevel = v;
        break;
      }
      case '--record':
        record = value();
        break;
      case '--record-retention-days': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--record-retention-days: expected a whole number of days (1 or more), got "${v}"`);
        recordRetentionDays = n;
        break;
      }
      case '--record-max-gb': {
        const v = value();
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--record-max-gb: expected a size in GB greater than 0 (0.5 is half a GB), got "${v}"`);
        recordMaxBytes = Math.round(n * 1e9);
        break;
      }
      case '--record-store': {
        const v = value();
        if (v !== 'embedded' && v !== 'clickhouse') throw new UsageError(`--record-store: expected embedded or clickhouse, got "${v}"`);
        recordStore = v;
        break;
      }
      case '--clickhouse-url': {
        const v = value();
        if (!/^https?:\/\/[^\s/]+\/?$/.test(v)) throw new UsageError(`--clickhouse-url: expected the server's HTTP interface such as http://127.0.0.1:8123, got "${v}"`);
        clickHouse.url = v;
        clickHouseFlags.push(flag);
        break;
      }
      case '--clickhouse-database': {
        const v = value();
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(v)) throw new UsageError(`--clickhouse-database: expected a name of letters, digits and _ (not starting with a digit), got "${v}"`);
        clickHouse.database = v;
        clickHouseFlags.push(flag);
        break;
      }
      case '--clickhouse-user':
        clickHouse.user = value();
        clickHouseFlags.push(flag);
        break;
      case '--no-watch':
        watch = false;
        break;
      case '--help':
      case '-h':
        return { kind: 'help' };
      case '--version':
        return { kind: 'version' };
      default:
        throw new UsageError(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (!config) throw new UsageError(`--config is required\n${USAGE}`);
  if (recordStore === 'clickhouse') {
    if (record) throw new UsageError(`--record DIR is the embedded store's folder; with --record-store clickhouse leave it out\n${USAGE}`);
    if (recordRetentionDays !== undefined || recordMaxBytes !== undefined) throw new UsageError(`--record-retention-days and --record-max-gb apply to the embedded store; ClickHouse keeps its own retention\n${USAGE}`);
  } else {
    if (!record && (recordRetentionDays !== undefined || recordMaxBytes !== undefined)) throw new UsageError(`--record-retention-days and --record-max-gb need --record DIR\n${USAGE}`);
    if (recordStore === 'embedded' && !record) throw new UsageError(`--record-store embedded needs --record DIR\n${USAGE}`);
    if (clickHouseFlags.length > 0) throw new UsageError(`${clickHouseFlags[0]} needs --record-store clickhouse\n${USAGE}`);
  }
  const recordClickHouse = recordStore === 'clickhouse' ? clickHouse : undefined;
  return { kind: 'run', args: { config, exchangeUrls, state, metricsPort, cacheDir, logLevel, watch, record, recordRetentionDays, recordMaxBytes, recordClickHouse } };
}
