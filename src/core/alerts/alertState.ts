/**
 * Per-rule alert state (last fired, cooldown, fire counts, paused, once-done, snoozed, enabled override), kept in
 * memory and persisted as JSON: writes are debounced, serialised and atomic (temp file + rename), and a corrupt
 * or unreadable file is logged and ignored. The state of a rule removed from the config is kept for a while
 * (see prune), so a rule removed and restored soon after (e.g. while the file is being edited) keeps its state.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, silentLogger, type Logger } from '../util/log';
import { writeAtomic } from '../util/writeAtomic';
import type { RuleState } from './ruleState';

export interface AlertStateStoreOptions {
  /** Where the JSON lives; undefined keeps the state in memory only. */
  readonly path?: string;
  readonly log?: Logger;
  /** Debounce of writes after a change (default 250 ms; 0 writes on the next tick). */
  readonly saveDelayMs?: number;
}

interface FileShape {
  readonly version: 1;
  readonly rules: Record<string, RuleState>;
}

export class AlertStateStore {
  private readonly states = new Map<string, RuleState>();
  private readonly log: Logger;
  private readonly saveDelayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private closed = false;
  private lastSaveError: string | undefined;

  private constructor(private readonly opts: AlertStateStoreOptions) {
    this.log = opts.log ?? silentLogger;
    this.saveDelayMs = opts.saveDelayMs ?? 250;
  }

  /** Loads the file at `options.path` (a missing file is an empty state; a corrupt one is logged and ignored). */
  static async open(options: AlertStateStoreOptions = {}): Promise<AlertStateStore> {
    const store = new AlertStateStore(options);
    if (options.path) await store.load(options.path);
    return store;
  }

  /** A store that never touches the disk (tests, backtests). */
  static inMemory(): AlertStateStore {
    return new AlertStateStore({});
  }

  get path(): string | undefined {
    return this.opts.path;
  }

  /** Why the last write failed (what is on disk is then older than this store), or undefined after a good one. */
  get saveError(): string | undefined {
    return this.lastSaveError;
  }

  get(ruleId: string): RuleState | undefined {
    return this.states.get(ruleId);
  }

  set(ruleId: string, state: RuleState): void {
    this.states.set(ruleId, state);
    this.scheduleSave();
  }

  delete(ruleId: string): void {
    if (this.states.delete(ruleId)) this.scheduleSave();
  }

  /** Drops the entries of rules not in `configured` that were last touched before `olderThan` (epoch ms). */
  prune(configured: ReadonlySet<string>, olderThan: number): void {
    let changed = false;
    for (const [id, s] of this.states) {
      if (configured.has(id) || s.touchedAt >= olderThan) continue;
      this.states.delete(id);
      changed = true;
    }
    if (changed) this.scheduleSave();
  }

  ids(): string[] {
    return [...this.states.keys()];
  }

  /** Writes pending changes now; resolves when they are on disk. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty) this.write();
    await this.writing;
  }

  /** Flushes and stops writing. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private scheduleSave(): void {
    if (!this.opts.path || this.closed) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.saveDelayMs);
    this.timer.unref?.();
  }

  /** Serialised: each write waits for the previous one, so an older snapshot never overwrites a newer one. */
  private write(): void {
    const file = this.opts.path;
    if (!file) return;
    this.dirty = false;
    const body: FileShape = { version: 1, rules: Object.fromEntries(this.states) };
    const text = `${JSON.stringify(body, null, 1)}\n`;
    this.writing = this.writing.then(async () => {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeAtomic(file, text);
      this.lastSaveError = undefined;
    }).catch((err: unknown) => {
      this.lastSaveError = errorMessage(err);
      this.log.error(`could not save alert state to ${file}: ${this.lastSaveError}`);
    });
  }

  private async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`could not read alert state ${file}: ${errorMessage(err)}; starting fresh`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.log.warn(`alert state ${file} is corrupt (${errorMessage(err)}); ignoring it and starting fresh`);
      return;
    }
    const rules = isRecord(parsed) && parsed.version === 1 && isRecord(parsed.rules) ? parsed.rules : undefined;
    if (!rules) {
      this.log.warn(`alert state ${file} is corrupt (unexpected shape); ignoring it and starting fresh`);
      return;
    }
    let dropped = 0;
    for (const [id, value] of Object.entries(rules)) {
      const state = validState(value);
      if (state) this.states.set(id, state);
      else dropped++;
    }
    if (dropped > 0) this.log.warn(`alert state ${file}: ignored ${dropped} malformed entr${dropped === 1 ? 'y' : 'ies'}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const optNumber = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v));

/** The entry when it has the RuleState shape, else undefined. */
function validState(v: unknown): RuleState | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v.fingerprint !== 'string' || typeof v.fireCount !== 'number' || typeof v.touchedAt !== 'number') return undefined;
  if (!Array.isArray(v.recentFires) || !v.recentFires.every((x) => typeof x === 'number')) return undefined;
  if (![v.lastFiredAt, v.lastFiredBar, v.lastValue, v.cooldownUntil, v.snoozedUntil].every(optNumber)) return undefined;
  if (v.onceDone !== undefined && typeof v.onceDone !== 'boolean') return undefined;
  if (v.paused !== undefined && !(isRecord(v.paused) && typeof v.paused.reason === 'string' && typeof v.paused.at === 'number')) return undefined;
  const o = v.enabledOverride;
  if (o !== undefined && !(isRecord(o) && typeof o.enabled === 'boolean' && typeof o.configEnabled === 'boolean')) return undefined;
  return v as unknown as RuleState;
}
