/** Worker thread entry: parses one alerts.yaml text off the caller's main thread (see loadAlertsConfig). */
import { parentPort, workerData } from 'node:worker_threads';
import { parseAlertsConfig, type ParseOptions } from './parseAlertsConfig';

const { text, options } = workerData as { text: string; options: ParseOptions };
parentPort?.postMessage(parseAlertsConfig(text, options));
