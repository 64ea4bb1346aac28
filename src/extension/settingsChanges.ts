/** Applies changed `tradesuite.*` settings to the running parts, one change after another. */

/** Whether a changed setting is under `tradesuite.<key>` (VS Code's `affectsConfiguration`, the section left out). */
export type Affects = (key: string) => boolean;

/** What a change reaches; each is looked up when the change is applied (the alerts may start later). */
export interface SettingsChangeTargets {
  readonly recorder: { stop(): Promise<void>; sync(): void };
  readonly engine: () => { stop(): Promise<void> } | undefined;
  readonly panels: { resubscribeAll(): void; all(): readonly unknown[]; settingsChanged(affects: Affects): void };
  readonly alerts: () => { restart(): Promise<void>; aggregatesChanged(): void; configLocationChanged(): Promise<void> } | undefined;
  readonly tree: { refresh(): void; favouritesChanged(): void };
  readonly log: { info(message: string): void; error(message: string): void };
}

/** Settings the engine is built from: a change stops it, and every consumer subscribes again. */
const ENGINE_KEYS = ['exchanges', 'historyBars', 'cacheDirectory'];
/** Settings that choose the record store: the recorders write what they hold to the old one first. */
const STORE_KEYS = ['recording.directory', 'recording.store', 'recording.clickhouse'];
/** Settings the Markets tree shows. */
const TREE_KEYS = ['favourites', 'aggregates', 'recording'];

/**
 * The returned function applies one change; it resolves once that change is applied. Changes are applied in the order
 * they came, each after the one before has finished: saving settings.json twice in a second (an engine restart each)
 * otherwise stopped the engine twice at once and resubscribed the panels in between. A step that fails is logged and
 * the changes after it are still applied.
 */
export function settingsChanges(targets: SettingsChangeTargets): (affects: Affects) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (affects) => {
    queue = queue.then(
      () => apply(targets, affects).catch((err: unknown) => targets.log.error(`settings changed: ${err instanceof Error ? err.message : String(err)}`)),
    );
    return queue;
  };
}

async function apply(t: SettingsChangeTargets, affects: Affects): Promise<void> {
  const any = (keys: readonly string[]) => keys.some(affects);
  if (any(ENGINE_KEYS)) {
    t.log.info('exchange settings changed: restarting the engine');
    // Every step of a restart runs though one before it failed: a stop that failed half way must not leave the panels,
    // the rules, the recorders and the tree on the engine that is gone.
    await step(t, 'the recorders could not stop', () => t.recorder.stop()); // they write what they hold before their streams close
    await step(t, 'the engine could not stop', async () => t.engine()?.stop());
    await step(t, 'the panels could not subscribe again', () => t.panels.resubscribeAll());
    await step(t, 'the alert rules could not restart', async () => t.alerts()?.restart());
    await step(t, 'the recorders could not start again', () => t.recorder.sync());
    t.tree.refresh();
  } else {
    if (affects('aggregates')) t.alerts()?.aggregatesChanged();
    if (any(STORE_KEYS)) await t.recorder.stop();
    t.recorder.sync();
    // Only what the tree shows: a full refresh of it on every tradesuite.* change (a chart's profile button) made
    // VS Code ask again for every expanded group's rows.
    if (any(TREE_KEYS)) t.tree.favouritesChanged();
  }
  if (affects('alerts.configPath')) void t.alerts()?.configLocationChanged();
  const open = t.panels.all().length;
  if (open > 0) t.log.info(`settings changed: applied to the ${open} open panel(s)`);
  t.panels.settingsChanged(affects);
}

/** Runs one step of a restart; a failure is logged, naming the step, and the restart goes on. */
async function step(t: SettingsChangeTargets, failed: string, run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (err) {
    t.log.error(`settings changed: ${failed}: ${err instanceof Error ? err.message : String(err)}; the restart goes on`);
  }
}
