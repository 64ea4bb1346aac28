/**
 * Mocha hooks for scenarios bound by the wall clock (they wait on real minutes and timers, not on the CPU), one per
 * case: all of them start at once in a `before` hook, and each case's `it` awaits its own outcome, so that a failure
 * is still named by its case while the waits overlap. Each scenario owns what it starts (its own emulator, ports and
 * folders) and hands its release to `defer`.
 */

export interface ScenarioScope {
  /**
   * `release` runs once the scenario settles, pass or fail (the last deferred first), or in the block's `after` hook
   * if the scenario is still running then though its `it` awaited it (it timed out). Deferred after that, it runs at
   * once and the scenario stops there: nothing a scenario starts outlives the block.
   */
  defer(release: () => unknown): void;
}

export interface StartedScenarios<C, R> {
  /** The case's outcome (rejected: with its own error). */
  outcome(c: C): Promise<R>;
  /**
   * The block's end. A scenario still running whose outcome was asked for (its `it` timed out) is released now; one
   * never asked for (its `it` left out by --grep) is left to finish, as it would have, then released: stopped
   * half-way, its waits not yet awaited would reject unhandled. A settled one's release ran with it, its failure its own.
   */
  finish(): Promise<void>;
}

/** Starts every case's scenario now; each outcome is handled from its creation, so none is an unhandled rejection. */
export function startScenarios<C, R>(cases: readonly C[], run: (c: C, scope: ScenarioScope) => Promise<R>): StartedScenarios<C, R> {
  const started = new Map<C, { readonly outcome: Promise<R>; readonly release: () => Promise<void>; readonly settled: () => boolean }>();
  const asked = new Set<C>();
  for (const c of cases) {
    const releases: Array<() => unknown> = [];
    let released: Promise<void> | undefined;
    const release = (): Promise<void> =>
      (released ??= (async () => {
        for (const r of releases.splice(0).reverse()) await r();
      })());
    const scope: ScenarioScope = {
      defer(r) {
        if (released === undefined) return void releases.push(r);
        void Promise.resolve().then(r).catch(() => undefined); // its scenario ends on the error below
        throw new Error('scenariosAtOnce: the block is over (its after hook released this scenario)');
      },
    };
    let settled = false;
    const outcome = (async () => {
      try {
        return await run(c, scope);
      } finally {
        settled = true;
        await release();
      }
    })();
    // A scenario that fails before its `it` awaits it is that `it`'s failure, not an unhandled rejection charged to
    // whichever test runs meanwhile.
    outcome.catch(() => undefined);
    started.set(c, { outcome, release, settled: () => settled });
  }
  return {
    outcome(c) {
      const s = started.get(c);
      if (s === undefined) throw new Error('scenariosAtOnce: not one of the cases');
      asked.add(c);
      return s.outcome;
    },
    async finish() {
      const running = [...started].filter(([, s]) => !s.settled());
      await Promise.all(running.map(([c, s]) => (asked.has(c) ? s.release() : s.outcome.then(() => undefined, () => undefined))));
    },
  };
}

/** The block's hooks: the scenarios start in `before`; returns the outcome of a case's, for the case's `it` to await. */
export function scenariosAtOnce<C, R>(cases: readonly C[], run: (c: C, scope: ScenarioScope) => Promise<R>): (c: C) => Promise<R> {
  let started: StartedScenarios<C, R> | undefined;
  before(() => {
    started = startScenarios(cases, run);
  });
  after(async () => {
    await started?.finish();
    started = undefined;
  });
  return (c) => {
    if (started === undefined) throw new Error("scenariosAtOnce: a case is awaited outside its block's before and after hooks");
    return started.outcome(c);
  };
}
