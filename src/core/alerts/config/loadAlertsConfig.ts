/**
 * Parses alerts.yaml without blocking the caller's thread for more than a frame: a tiny file on the spot, any other
 * in a worker thread that is abandoned after PARSE_TIMEOUT_MS, a too large one refused.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MAIN_THREAD_CHARS, MAX_FILE_CHARS, PARSE_TIMEOUT_MS } from './bounds';
import { errorMessage } from '../../util/log';
import { parseAlertsConfig, type AlertsConfig, type ParseOptions } from './parseAlertsConfig';

/** In the bundles the worker is dist/alertsConfigWorker.js beside the caller; from source (tests) the .ts file, through tsx. */
const FROM_SOURCE = __filename.endsWith('.ts');
const WORKER_FILE = path.join(__dirname, FROM_SOURCE ? 'alertsConfigWorker.ts' : 'alertsConfigWorker.js');
const WORKER = FROM_SOURCE ? `require('tsx/cjs/api').register(); require(${JSON.stringify(WORKER_FILE)});` : WORKER_FILE;

export async function loadAlertsConfig(text: string, options: ParseOptions = {}): Promise<AlertsConfig> {
  if (text.length <= MAIN_THREAD_CHARS || text.length > MAX_FILE_CHARS) {
    try {
      return parseAlertsConfig(text, options);
    } catch (err) {
      return refusedConfig(`alerts.yaml could not be read: ${errorMessage(err)}`); // the yaml parser's chunk did not load
    }
  }
  return parseInWorker(text, options);
}

function parseInWorker(text: string, options: ParseOptions): Promise<AlertsConfig> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { eval: FROM_SOURCE, workerData: { text, options }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    let settled = false;
    const settle = (config: AlertsConfig) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(config);
    };
    const failed = (why: string) => settle(refusedConfig(`alerts.yaml could not be read: ${why}`));
    const timer = setTimeout(() => failed(`parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`), PARSE_TIMEOUT_MS);
    worker.once('message', (config: AlertsConfig) => settle(config));
    worker.once('error', (err) => failed(err.message));
    worker.once('exit', (code) => failed(`the parser stopped (exit code ${code})`));
  });
}

/** A config with no rules and one error at 1:1 (a file refused before it was parsed). */
export function refusedConfig(message: string): AlertsConfig {
  return { rules: [], notifiers: [], defaults: {}, aggregates: [], ranges: new Map(), diagnostics: [{ message, severity: 'error', line: 1, column: 1, endLine: 1, endColumn: 1 }] };
}
