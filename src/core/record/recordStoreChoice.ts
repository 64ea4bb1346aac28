/** Which store recordings go to and are read from: the embedded Parquet folder, or a ClickHouse server. */
import type { ClickHouseConnection } from './clickHouseHttp';
import { ClickHouseSource } from './clickHouseSource';
import { parquetSource, type RecordSource } from './recordSource';

/** The ClickHouse password is read from this environment variable (never from settings or the command line). */
export const CLICKHOUSE_PASSWORD_ENV = 'TRADESUITE_CLICKHOUSE_PASSWORD';

/** The connection for `url`, `database` and `user` as set, with the password from the environment. */
export function clickHouseConnection(url: string, database: string, user: string, env: NodeJS.ProcessEnv = process.env): ClickHouseConnection {
  const password = env[CLICKHOUSE_PASSWORD_ENV];
  return { url, database, ...(user ? { user } : {}), ...(password ? { password } : {}) };
}

/** Replays and backtests read from ClickHouse when recording goes there, else from the embedded store's folder. */
export function recordSourceFor(root: string, clickHouse: ClickHouseConnection | undefined): RecordSource {
  return clickHouse ? new ClickHouseSource(clickHouse) : parquetSource(root);
}
