#!/usr/bin/env node
/**
 * tradesuite-alerts: the alert engine without VS Code. Same rules, same engine, same shared streams; alerts go to
 * the configured notifiers (console by default). Exit codes: 0 after SIGINT/SIGTERM and for --help or --version,
 * 2 for bad arguments or config (including a symbol the exchange does not list), 1 for a fatal error or a stop that
 * could not finish (the state not saved, the shutdown deadline passed, a second signal).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AggregateAlertHub, AlertEngine, AlertStateStore, checkRuleSymbols, describeStatus, formatDiagnostic, parseAlertsConfig, ruleMarkets, type AlertsConfig, type Notifier, type NotifierConfig } from '../core/alerts';
import { stableStringify } from '../core/alerts/ruleIdentity';
import { ExchangeRegistry } from '../core/exchange/exchangeRegistry';
import { CCXT_PRO_EXCHANGES } from '../core/exchange/ccxtExchanges.generated';
import { MarketHub } from '../core/hub/marketHub';
import { consoleLogger, errorMessage, scopedLogger, userMessage, type Logger } from '../core/util/log';
import { parseCommand, USAGE, UsageError } from './args';
import { botVersion } from './version';
import { clickHouseConnection } from '../core/record/recordStoreChoice';
import { startRecording } from './recording';
import { watchConfigFile } from './watchConfig';
import { runShutdown } from './shutdown';
import { StopSignals } from './stopSignals';
import { exitWhenFlushed, installErrorHandlers, oneLine, oneLineLogger } from './exit';
import { closeNotifiers, createNotifiers, dispatch } from './notifiers/createNotifiers';
import { InFlightDeliveries } from './notifiers/inFlight';
import { createMetrics, startMetricsServer } from './metrics/metrics';

const EXIT_BAD_INPUT = 2;
/** A fatal error, or a stop that could not finish (the state not saved, the shutdown's deadline passed). */
const EXIT_FAILED = 1;
/** How long alerts being delivered (a webhook call, an e-mail) may take to finish when the bot is stopped. */
const DELIVERY_GRACE_MS = 5_000;
/** How long the whole shutdown (the delivery grace included) may take before the bot exits without the rest. */
const SHUTDOWN_DEADLINE_MS = 10_000;

/** Diagnostics of rules whose exchange lists no such symbol (exchanges that cannot be reached yet are skipped) or that name no aggregate of the config. */
async function unknownSymbols(config: AlertsConfig, file: string, hub: MarketHub, log: Logger): Promise<string[]> {
  const check = await checkRuleSymbols(config.rules, config.ranges, (exchange) => hub.markets(exchange), config.aggregates.map((a) => a.name));
  for (const u of check.unchecked) log.warn(`cannot check the symbols of ${u.exchange} yet (${u.reason}); its rules start anyway`);
  return check.diagnostics.map((d) => formatDiagnostic(d, file));
}

async function readConfig(file: string): Promise<{ config: AlertsConfig; errors: string[] }> {
  const text = await fs.readFile(file, 'utf8');
  const config = parseAlertsConfig(text, { now: Date.now() });
  const errors = config.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, file));
  return { config, errors };
}

/** The notifiers a config asks for: console when it names none. */
const notifiersOf = (config: AlertsConfig): readonly NotifierConfig[] => (config.notifiers.length > 0 ? config.notifiers : [{ type: 'console' }]);

/** Notifiers built from one version of the config, and the deliveries under way on them. */
interface NotifierGeneration {
  readonly key: string;
  readonly notifiers: readonly Notifier[];
  readonly pending: Set<Promise<unknown>>;
}

async function main(): Promise<number> {
  let command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (err) {
    console.error(userMessage(err));
    return EXIT_BAD_INPUT;
  }
  switch (command.kind) {
    case 'help':
      console.log(USAGE);
      return 0;
    case 'version':
      console.log(`tradesuite-alerts ${botVersion()}`);
      return 0;
    case 'run':
      break;
  }
  const args = command.args;
  const log: Logger = oneLineLogger(consoleLogger(args.logLevel));
  installErrorHandlers(log);
  const configPath = path.resolve(args.config);
  let initial;
  try {
    initial = await readConfig(configPath);
  } catch (err) {
    console.error(`${configPath}: cannot read the config: ${errorMessage(err)}`);
    return EXIT_BAD_INPUT;
  }
  for (const d of initial.config.diagnostics.filter((x) => x.severity === 'warning')) log.warn(formatDiagnostic(d, configPath));
  if (initial.errors.length > 0) {
    for (const e of initial.errors) console.error(e);
    console.error(`${initial.errors.length} error(s) in ${configPath}; nothing started.`);
    return EXIT_BAD_INPUT;
  }

  // A rule on an aggregate reads its legs' exchanges; every aggregate's are known (a reload may add a rule on one); nothing opens until read.
  const exchanges = new Set([...ruleMarkets(initial.config.rules, initial.config.aggregates), ...initial.config.aggregates.flatMap((a) => a.legs)].map((m) => m.exchange));
  for (const id of args.exchangeUrls.keys()) {
    if (!exchanges.has(id)) log.warn(`--exchange-url ${id}: no rule or aggregate in ${configPath} uses ${id} (a reload that adds one will use this URL)`);
    exchanges.add(id);
  }
  // Every exchange with streams, not only those of the first config: a reload may add a rule on any of them. A
  // client is made (and ccxt's exchange loaded) only when a rule first uses it.
  const registry = new ExchangeRegistry(
    [...new Set([...exchanges, ...CCXT_PRO_EXCHANGES])].map((id) => ({ id, ...(args.exchangeUrls.has(id) ? { endpoint: args.exchangeUrls.get(id)! } : {}) })),
    {
      log: scopedLogger(log, 'exchange'),
      marketsCacheDir: args.cacheDir ? path.join(args.cacheDir, 'markets') : path.join(os.homedir(), '.cache', 'tradesuite', 'bot-markets'),
      codeCacheDir: args.cacheDir ? path.join(args.cacheDir, 'code') : path.join(os.homedir(), '.cache', 'tradesuite', 'bot-code'),
    },
  );
  const hub = new MarketHub({ clients: registry, log: scopedLogger(log, 'engine'), cacheDir: args.cacheDir ?? path.join(os.homedir(), '.cache', 'tradesuite', 'bot-candles') });
  const symbolErrors = await unknownSymbols(initial.config, configPath, hub, log);
  if (symbolErrors.length > 0) {
    for (const e of symbolErrors) console.error(e);
    console.error(`${symbolErrors.length} error(s) in ${configPath}; nothing started.`);
    await hub.close();
    await registry.closeAll();
    return EXIT_BAD_INPUT;
  }
  const state = await AlertStateStore.open({ ...(args.state ? { path: path.resolve(args.state) } : {}), log: scopedLogger(log, 'state') });
  const alertHub = new AggregateAlertHub(hub, initial.config.aggregates, { log: scopedLogger(log, 'aggregate') });
  const engine = new AlertEngine({ hub: alertHub, state, log: scopedLogger(log, 'alerts') });
  const metrics = createMetrics();
  metrics.countEvaluationsFrom(() => engine.evaluationCounts());
  const notifierGeneration = (configs: readonly NotifierConfig[]): NotifierGeneration => ({ key: stableStringify(configs), notifiers: createNotifiers(configs, { log: scopedLogger(log, 'notify') }), pending: new Set() });
  // A reload that changes `notifiers:` replaces them; those replaced close once the alerts under way on them are delivered.
  let notifiers = notifierGeneration(notifiersOf(initial.config));
  const replaced = new Set<NotifierGeneration>();
  const deliveries = new InFlightDeliveries();
  engine.onAlert((event) => {
    metrics.recordFired(event);
    const generation = notifiers;
    const delivery = dispatch(event, generation.notifiers, log).then((results) => metrics.recordNotifications(results));
    generation.pending.add(delivery);
    const settled = (): void => void generation.pending.delete(delivery);
    delivery.then(settled, settled);
    deliveries.track(delivery);
  });
  const replaceNotifiers = (configs: readonly NotifierConfig[]): void => {
    const key = stableStringify(configs);
    if (key === notifiers.key) return;
    const next = notifierGeneration(configs);
    const old = notifiers;
    notifiers = next;
    replaced.add(old);
    void Promise.allSettled([...old.pending]).then(async () => {
      if (!replaced.delete(old)) return; // closed by the shutdown meanwhile
      await closeNotifiers(old.notifiers);
    });
    log.info(`notifiers: ${next.notifiers.map((n) => n.name).join(', ')}`);
  };
  hub.onStreamState((key, s) => {
    if (s.status === 'stopped') metrics.removeStream(key.exchange, key.symbol, key.kind);
    else metrics.setStreamState(key.exchange, key.symbol, key.kind, s.status);
  });
  // One line per change, as the Alerts view words it: "armed", "retrying (2) at …", "degraded: …", "failed: …".
  engine.onStatus((entry) => log.info(`rule ${entry.ruleId}: ${describeStatus(entry.status)}`));
  engine.setRules(initial.config.rules);
  const ch = args.recordClickHouse;
  const recording = args.record || ch
    ? startRecording({ hub, dir: path.resolve(args.record ?? ''), retentionDays: args.recordRetentionDays, maxBytes: args.recordMaxBytes, ...(ch ? { clickHouse: clickHouseConnection(ch.url, ch.database, ch.user) } : {}), log: scopedLogger(log, 'record') })
    : undefined;
  recording?.setMarkets(ruleMarkets(initial.config.rules, initial.config.aggregates));
  // Hot reload: a good config replaces the rules; a bad one is reported and the previous rules keep running. Armed
  // before the line that says the bot runs: a save right after that line is seen.
  // Saves are checked concurrently (the symbol check waits for markets, seconds for an exchange first used): only
  // the newest save is applied, never an older one whose check finished after it.
  let saves = 0;
  let stopping = false;
  const reload = (): void => {
    const save = ++saves;
    readConfig(configPath)
      .then(async ({ config, errors }) => {
        const all = errors.length > 0 ? errors : await unknownSymbols(config, configPath, hub, log);
        if (stopping) return; // the engine and the notifiers are closing
        if (save !== saves) {
          log.info(`${configPath} was saved again while this version was being checked: it is not applied (the newer one is)`);
          return;
        }
        if (all.length > 0) {
          for (const e of all) log.error(e);
          log.error('config has errors: the previous rules keep running');
          return;
        }
        replaceNotifiers(notifiersOf(config)); // first: a notifier that cannot be built leaves everything as it was
        alertHub.setAggregates(config.aggregates);
        engine.setRules(config.rules);
        recording?.setMarkets(ruleMarkets(config.rules, config.aggregates));
        log.info(`reloaded ${config.rules.length} rule(s)`);
      })
      .catch((err: unknown) => log.error(`cannot reload ${configPath}: ${errorMessage(err)}`));
  };
  const configWatch = args.watch
    ? watchConfigFile(configPath, reload, { debounceMs: 200, onError: (err) => log.error(`stopped watching ${configPath} for changes: ${errorMessage(err)}`) })
    : undefined;

  // Listening before the line that says the bot runs: a script that stops it on that line must not find the
  // signal's default action (an exit without the state flushed).
  const signals = new StopSignals();
  log.info(`watching ${initial.config.rules.length} rule(s) from ${configPath} on ${[...exchanges].join(', ')}`);

  const server = args.metricsPort !== undefined ? await startMetricsServer(args.metricsPort, metrics.registry, scopedLogger(log, 'metrics')) : undefined;
  if (server) log.info(`metrics on ${server.url}`);

  // The bot runs until told to stop, even while no socket is open (an exchange that is down is being retried).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const signal = await signals.first;
  log.info(`${signal}: closing streams and flushing state`);
  stopping = true;
  configWatch?.close();
  clearInterval(keepAlive);
  engine.dispose();
  const outcome = await runShutdown(
    [
      {
        what: 'deliver the alerts under way',
        run: async () => {
          const undelivered = await deliveries.settle(DELIVERY_GRACE_MS);
          if (undelivered > 0) log.warn(`${undelivered} alert delivery(ies) still under way after ${DELIVERY_GRACE_MS / 1000} s; giving up on them`);
        },
      },
      { what: 'close the recording', run: async () => recording?.close() }, // unsubscribes and writes what it holds, before the streams close
      { what: 'close the streams', run: () => hub.close() },
      { what: 'close the exchange clients', run: () => registry.closeAll() },
      { what: 'flush the alert state', run: () => state.close() },
      {
        what: 'close the notifiers',
        run: () => {
          const all = [...notifiers.notifiers, ...[...replaced].flatMap((g) => g.notifiers)];
          replaced.clear();
          return closeNotifiers(all);
        },
      },
      { what: 'close the metrics server', run: async () => server?.close() },
    ],
    { deadlineMs: SHUTDOWN_DEADLINE_MS, abandon: signals.again },
  );
  signals.dispose();
  switch (outcome.kind) {
    case 'deadline':
      log.error(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting without: ${outcome.unfinished.join(', ')}`);
      return EXIT_FAILED;
    case 'abandoned':
      log.error(`${outcome.signal} again: exiting now without: ${outcome.unfinished.join(', ')}`);
      return EXIT_FAILED;
    case 'done':
      for (const f of outcome.failed) log.error(`shutdown: could not ${f.what}: ${errorMessage(f.error)}`);
      if (outcome.failed.length > 0) return EXIT_FAILED;
      break;
  }
  if (state.saveError !== undefined) {
    log.error(`the alert state could not be saved to ${state.path ?? 'its file'} (${state.saveError}); exiting with code ${EXIT_FAILED}`);
    return EXIT_FAILED;
  }
  return 0;
}

main().then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    console.error(oneLine(`tradesuite-alerts failed: ${err instanceof UsageError ? err.message : errorMessage(err)}`));
    return exitWhenFlushed(EXIT_FAILED);
  },
);
