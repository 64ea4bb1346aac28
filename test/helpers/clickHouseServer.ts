/** A private clickhouse-server for one test: a free port, a temp data dir, its own config; stopped (by PID) and removed after. */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A user with a password, so the tests go through the store's authentication as a real deployment would. */
export const CH_USER = 'recorder';
export const CH_PASSWORD = 'rec-pass';

/** Debian's `clickhouse-server`, else the single `clickhouse` binary in server mode (ClickHouse's own builds, Homebrew). */
function serverCommand(): [string, string[]] {
  if (onPath('clickhouse-server')) return ['clickhouse-server', []];
  return onPath('clickhouse') ? ['clickhouse', ['server']] : ['clickhouse-server', []];
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export class ClickHouseServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts a server on a free port and waits until it answers; fails naming the setup script when it is not installed. */
  static async start(): Promise<ClickHouseServer> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-clickhouse-'));
    const server = new ClickHouseServer(dir, await freePort());
    await fs.writeFile(path.join(dir, 'config.xml'), configXml(dir, server.port));
    await fs.writeFile(path.join(dir, 'users.xml'), USERS_XML);
    try {
      await server.resume();
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  /** Starts the server again after `pause()`, on the same port and data. */
  async resume(): Promise<void> {
    if (this.child) return;
    const [command, args] = serverCommand();
    const child = spawn(command, [...args, `--config-file=${path.join(this.dir, 'config.xml')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
    const gone = new Promise<Error>((resolve) => {
      child.once('error', (err) => resolve(new Error(`clickhouse-server could not be started (${err.message}); run: bash scripts/setup-clickhouse.sh`)));
      child.once('exit', (code, signal) => resolve(new Error(`clickhouse-server exited (${signal ?? code}) before answering: ${stderr}`)));
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const answering = this.answering();
    const first = await Promise.race([answering.then(() => undefined), gone]);
    if (first instanceof Error) {
      this.child = undefined;
      throw first;
    }
  }

  /** Stops the server (SIGTERM, SIGKILL after 10 s), keeping its data: the store is unreachable until `resume()`. */
  async pause(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }

  /** Stops the server and removes its data. */
  async stop(): Promise<void> {
    await this.pause();
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  /** Polls /ping until it says "Ok." (the server offers no other signal that it is ready). */
  private async answering(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (!this.child) return;
      try {
        const res = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1000) });
        if ((await res.text()).startsWith('Ok.')) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`clickhouse-server on port ${this.port} did not answer within 60 s`);
  }
}

/**
 * A suite's mocha hooks for one private server shared by its tests (started before them, stopped after):
 * `url()` is the server's, and each `connection()` names a database of its own, `<prefix>_<n>`.
 */
export function clickHouseForSuite(prefix: string): { url(): string; connection(): { url: string; database: string; user: string; password: string } } {
  let server: ClickHouseServer | undefined;
  let databases = 0;
  before(async () => (server = await ClickHouseServer.start()));
  after(async () => server?.stop());
  const url = () => {
    if (!server) throw new Error("the suite's clickhouse-server is not running (its before hook failed)");
    return server.url;
  };
  return { url, connection: () => ({ url: url(), database: `${prefix}_${++databases}`, user: CH_USER, password: CH_PASSWORD }) };
}

/** A port nothing listens on now (the OS's pick, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function configXml(dir: string, port: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${port}</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <${CH_USER}><password>${CH_PASSWORD}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></${CH_USER}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
