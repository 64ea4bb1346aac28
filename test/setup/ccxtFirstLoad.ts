/**
 * Mocha root hook: ccxt's first load before an integration file's tests, on its own budget (test/helpers/
 * ccxtFirstLoad.ts says why). In parallel mode root hooks run once a file in each worker, so the first integration file
 * a worker runs pays and the others find ccxt loaded; in one process (`--no-parallel`) it runs once. A run of unit
 * files only (`npm run test:unit`) loads nothing here.
 */
import * as path from 'node:path';
import type { Context, Suite } from 'mocha';
import { loadCcxtOnItsBudget } from '../helpers/ccxtFirstLoad';

const INTEGRATION_DIR = path.join(__dirname, '..', 'integration') + path.sep;

/** The files of the suite's own tests and top-level describe blocks (the root suite's: the files this run holds). */
function filesOf(root: Suite): string[] {
  return [...root.suites, ...root.tests].flatMap((x) => (x.file === undefined ? [] : [x.file]));
}

export const mochaHooks = {
  beforeAll: [
    async function ccxtFirstLoadBeforeIntegrationTests(this: Context): Promise<void> {
      const root = this.test?.parent;
      if (root === undefined || !filesOf(root).some((file) => file.startsWith(INTEGRATION_DIR))) return;
      await loadCcxtOnItsBudget(this);
    },
  ],
};
