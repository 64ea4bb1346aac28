/**
 * ccxt's first load in a test process, in a hook of its own. Rig.start awaits it too, but there it counted against
 * the first test's timeout: 14–21 s at load 15 on 2 cores (25 s at load 23), a third of a 60 s test before its first
 * step. In a hook the load has its budget, named in the hook's title (Mocha's timeout message quotes it), and each
 * test's timeout measures the test. Integration files get it from the root hook (test/setup/ccxtFirstLoad.ts); a unit
 * file that loads ccxt in a test calls loadCcxtBeforeTests().
 */
import type { Context } from 'mocha';
import { loadCcxt } from '../../src/core/exchange/ccxtLoader';

export const CCXT_FIRST_LOAD_BUDGET_MS = 120_000;

/** ccxt, loaded within the hook `hook` on the first load's own budget; once ccxt is loaded it costs nothing. */
export async function loadCcxtOnItsBudget(hook: Context): Promise<void> {
  hook.timeout(CCXT_FIRST_LOAD_BUDGET_MS);
  await loadCcxt();
}

/** Registers the hook in the calling describe block (or the file's root suite). */
export function loadCcxtBeforeTests(): void {
  before(`ccxt's first load in this process (its own budget, ${CCXT_FIRST_LOAD_BUDGET_MS / 1000} s: it took 25 s at load 23 on 2 cores)`, async function () {
    await loadCcxtOnItsBudget(this);
  });
}
