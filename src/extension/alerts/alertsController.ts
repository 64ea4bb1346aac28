import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  AggregateAlertHub,
  AlertEngine,
  AlertStateStore,
  checkRuleSymbols,
  loadAlertsConfig,
  MAX_FILE_CHARS,
  refusedConfig,
  type AlertEvent,
  type AlertRule,
  type AlertsConfig,
  type Diagnostic,
  type RuleStatusEntry,
  type SourceRange,
} from '../../core/alerts';
import { DisposableStore, type Disposable } from '../../shared/util/disposable';
import { errorMessage, scopedLogger, type Logger } from '../../core/util/log';
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import type { EngineHost } from '../engineHost';
import type { Settings } from '../settings';
import type { AlertsProblems } from './alertsViewMessage';
import { ALERT_ACTIONS, alertActionOf, runAlertAction, type ChartTarget } from './alertActions';
import { AlertToasts, heldAlertsText } from './alertToasts';
import { readConfigFile, type ConfigFile } from './readConfigFile';
import { scheduleTimeout, type Schedule } from '../schedule';
import { literalGlob } from './literalGlob';

const SNOOZE_MS = 3_600_000;

/** A `when` context key, true once alerts.yaml was read and the Alerts view listed no rule: its "No alert rules yet" waits for it (package.json). */
export const ALERTS_READ_CONTEXT = 'tradesuite.alertsRead';

/** What changed: the set of rules (loaded, reloaded, restarted), one rule's status, fire count or settings, or the file's problems. */
export type AlertsChange = { readonly kind: 'rules' } | { readonly kind: 'rule'; readonly ruleId: string } | { readonly kind: 'problems' };
const RULES_CHANGED: AlertsChange = { kind: 'rules' };

/**
 * How long the rules file may be missing before its rules stop. Many editors and tools save atomically (a temporary
 * file renamed over it, or the file deleted and written again): back within this, it is a save like any other and the
 * unchanged rules keep their state (a crossing's last side, a volume window). The bot waits as long after a file event
 * (src/cli/main.ts), and keeps the rules of a file that stays missing; here, as before, a file deleted for good stops them.
 */
export const FILE_GONE_GRACE_MS = 200;

export interface AlertsControllerOptions {
  /** Times the grace after the file went missing (default: Node's timers). */
  readonly schedule?: Schedule;
  /** Reads the rules file (default: readConfigFile). */
  readonly read?: (uri: vscode.Uri, maxBytes: number) => Promise<ConfigFile>;
}

/**
 * Alerts in the editor: loads alerts.yaml (hot-reloaded on save), shows its problems in the Problems panel at the
 * exact line and column while the previous valid rules keep running, runs the rules on the shared engine, and
 * turns each alert into a notification with Open Chart / Snooze 1h / Disable Rule.
 */
export class AlertsController implements vscode.Disposable {
  private engine: AlertEngine | undefined;
  /** The engine's hub: the shared one, plus the aggregates rules may name (`exchange: aggregate`). */
  private alertHub: AggregateAlertHub | undefined;
  /** The file's `aggregates:`, which win over `tradesuite.aggregates` of the same name. */
  private fileAggregates: readonly AggregateDefinition[] = [];
  private store: AlertStateStore | undefined;
  private rules: readonly AlertRule[] = [];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('tradesuite-alerts');
  /** Disposed with the controller; a watcher that start() creates after dispose() is disposed at once. */
  private readonly disposables = new DisposableStore();
  private readonly changed = new vscode.EventEmitter<AlertsChange>();
  readonly onDidChange = this.changed.event;
  /** Alerts as notifications, a few at a time (many rules can fire at once). */
  private readonly toasts = new AlertToasts({ showOne: (e) => this.showAlert(e), showMany: (events) => this.showHeldAlerts(events) });
  /** The last alerts, newest last (shown by "Debug: Engine State", used by tests). */
  readonly recent: AlertEvent[] = [];
  private configUri: vscode.Uri | undefined;
  /** The moves to another rules file, in order (see configLocationChanged). */
  private relocating: Promise<void> = Promise.resolve();
  /** The watcher of the rules file in use (replaced when another file is named). */
  private watching: DisposableStore | undefined;
  private loading: Promise<void> = Promise.resolve();
  /**
   * The load waiting for its turn: file events meanwhile join it, as it reads the file when it starts (a burst is one
   * read, of the newest content). `gone`: a missing file means no rules at once, with no grace; `force`: applied even
   * when its text is the one loaded.
   */
  private queued: { gone: boolean; force: boolean; done: Promise<void> } | undefined;
  /** Runs while the watched file is missing; when it ends with the file still missing, the rules stop. */
  private grace: Disposable | undefined;
  private disposed = false;
  private readonly schedule: Schedule;
  private readonly readFile: (uri: vscode.Uri, maxBytes: number) => Promise<ConfigFile>;
  /** Counts loads, so a symbol check of an older version of the file does not overwrite the newer problems. */
  private loads = 0;
  /** The config the current rules came from (for a symbol check after the aggregates change). */
  private parsed: AlertsConfig | undefined;
  /** The text the current rules came from: a file-watcher event with the same text is not a new version. */
  private loadedText: string | undefined;
  private problems: AlertsProblems = { errors: 0, warnings: 0, keptPrevious: false };
  private readOnce = false;
  private markRead: () => void = () => undefined;
  /** Settles when start() has read alerts.yaml (or found none, or failed). */
  private readonly firstRead = new Promise<void>((resolve) => (this.markRead = resolve));

  constructor(
    private readonly host: EngineHost,
    private readonly storage: vscode.Uri,
    private readonly output: vscode.LogOutputChannel,
    private readonly log: Logger,
    private readonly openChart: (target: ChartTarget) => Thenable<unknown>,
    private readonly settings: () => Settings,
    options: AlertsControllerOptions = {},
  ) {
    this.schedule = options.schedule ?? scheduleTimeout;
    this.readFile = options.read ?? readConfigFile;
    this.disposables.add(this.diagnostics);
    this.disposables.add(this.changed);
  }

  /** Finds the config (the setting, else alerts.yaml in the first workspace folder) and watches it. */
  async start(): Promise<void> {
    try {
      await this.follow(this.locateConfig());
    } finally {
      this.readOnce = true;
      this.markRead();
      this.changed.fire(RULES_CHANGED);
    }
  }

  /**
   * The setting `alerts.configPath` or the workspace folders changed: the rules come from the file they name now (the
   * old file's rules stop, its problems leave the Problems panel); the same file stays as it is.
   */
  configLocationChanged(): Promise<void> {
    // One after the other, each for the location as it is when its turn comes (changes can come in quick succession).
    this.relocating = this.relocating
      .then(async () => {
        await this.firstRead;
        const uri = this.locateConfig();
        if (uri?.toString() === this.configUri?.toString()) return;
        this.output.info(`alerts: the rules file is now ${uri?.fsPath ?? 'none (no alerts.configPath and no workspace folder)'}`);
        await this.follow(uri);
      })
      .catch((err: unknown) => this.log.error(`alerts: ${errorMessage(err)}`));
    return this.relocating;
  }

  /** Watches and loads the rules file at `uri` (none: no rules), leaving the one before. */
  private async follow(uri: vscode.Uri | undefined): Promise<void> {
    this.endGrace();
    this.watching?.dispose();
    this.watching = undefined;
    if (this.configUri) this.diagnostics.delete(this.configUri);
    this.configUri = uri;
    if (!uri) {
      await this.reload(); // no file: no rules
      return;
    }
    // Cooldowns, once-done rules and snoozes survive restarts.
    this.store ??= await AlertStateStore.open({ path: vscode.Uri.joinPath(this.storage, 'alert-state.json').fsPath, log: scopedLogger(this.log, 'alert-state') });
    const watching = new DisposableStore(); // disposed by the next follow() or dispose()
    this.watching = watching;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), literalGlob(path.basename(uri.fsPath))));
    const changed = (): void => void this.queueLoad(false);
    for (const d of [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)]) watching.add(d);
    await this.reload();
  }

  /** Whether start() has read alerts.yaml (or found none, or failed): until then the rules listed say nothing. */
  get read(): boolean {
    return this.readOnce;
  }

  /** Resolves once start() has read alerts.yaml (or found none, or failed). */
  whenRead(): Promise<void> {
    return this.firstRead;
  }

  get config(): vscode.Uri | undefined {
    return this.configUri;
  }

  /** The problems of alerts.yaml as last shown in the Problems panel. */
  problemSummary(): AlertsProblems {
    return this.problems;
  }

  statuses(): RuleStatusEntry[] {
    return this.engine?.statuses() ?? [];
  }

  status(ruleId: string): RuleStatusEntry | undefined {
    return this.engine?.status(ruleId);
  }

  rule(id: string): AlertRule | undefined {
    return this.rules.find((r) => r.id === id);
  }

  /** Where a rule is in alerts.yaml as last loaded (1-based lines and columns). */
  ruleRange(id: string): SourceRange | undefined {
    return this.parsed?.ranges.get(id)?.rule;
  }

  /** The aggregate a rule may name by `name` (the file's, else the setting's). */
  aggregate(name: string): AggregateDefinition | undefined {
    return this.aggregates().find((a) => a.name === name);
  }

  /** Re-reads the file (a missing one: no rules at once); `force` (the Reload command) applies it even when its text did not change. */
  reload(force = true): Promise<void> {
    return this.queueLoad(true, force);
  }

  /** Settles once the loads asked for so far, by reload() or the file's events, are done (tests wait on it). */
  idle(): Promise<void> {
    return this.loading;
  }

  /** One load at a time, and at most one waiting, which a file event joins rather than queueing another. */
  private queueLoad(gone: boolean, force = false): Promise<void> {
    const waiting = this.queued;
    if (waiting) {
      waiting.gone ||= gone;
      waiting.force ||= force;
      return waiting.done;
    }
    const next = { gone, force, done: Promise.resolve() };
    next.done = this.loading
      .then(() => {
        this.queued = undefined;
        if (next.force) this.loadedText = undefined;
        return this.load(next.gone);
      })
      .catch((err: unknown) => this.log.error(`alerts: ${errorMessage(err)}`));
    this.queued = next;
    this.loading = next.done;
    return next.done;
  }

  snooze(ruleId: string, ms = SNOOZE_MS): void {
    this.engine?.snooze(ruleId, ms);
    this.changed.fire({ kind: 'rule', ruleId });
  }

  /** Re-arms a rule that is done (`once`) or auto-paused. */
  rearm(ruleId: string): void {
    this.engine?.rearm(ruleId);
    this.changed.fire({ kind: 'rule', ruleId });
  }

  setEnabled(ruleId: string, enabled: boolean): void {
    this.engine?.setEnabled(ruleId, enabled);
    this.changed.fire({ kind: 'rule', ruleId });
  }

  /** `tradesuite.aggregates` changed: rules on a redefined aggregate start over on it, the symbols are checked again. */
  aggregatesChanged(): void {
    this.alertHub?.setAggregates(this.aggregates());
    const uri = this.configUri;
    if (uri && this.parsed) void this.checkSymbols(uri, this.parsed, ++this.loads);
  }

  /** The engine was restarted (settings changed): run the same rules on the new hub. */
  async restart(): Promise<void> {
    this.engine?.dispose();
    this.engine = undefined;
    this.alertHub = undefined;
    if (this.rules.length > 0) this.ensureEngine().setRules(this.rules);
    this.changed.fire(RULES_CHANGED);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.endGrace();
    this.toasts.dispose();
    this.engine?.dispose();
    this.watching?.dispose();
    this.watching = undefined;
    this.disposables.dispose();
    await this.store?.close();
  }

  /** `gone`: a missing file means no rules now; else the rules keep running through a grace (an atomic save). */
  private async load(gone: boolean): Promise<void> {
    if (this.disposed) return;
    const uri = this.configUri;
    if (!uri) {
      this.loadedText = undefined;
      if (this.rules.length > 0) this.apply([], []);
      return;
    }
    let file: ConfigFile;
    try {
      // A file that cannot be within the limit (4 bytes a character at most) is refused without being read.
      file = await this.readFile(uri, MAX_FILE_CHARS * 4);
    } catch {
      if (this.disposed) return;
      if (!gone) {
        // The text it had stays the text loaded: back the same, it is no new version.
        this.grace ??= this.schedule(() => {
          this.grace = undefined;
          void this.queueLoad(true);
        }, FILE_GONE_GRACE_MS);
        return;
      }
      this.endGrace();
      this.loadedText = undefined;
      this.showDiagnostics(uri, []); // no file, no problems in it
      this.apply([], []);
      return;
    }
    if (this.disposed) return;
    this.endGrace();
    const { size, text } = file;
    // One save can reach the file watcher as two changes (truncate, write): the same text is loaded once.
    if (text !== undefined && text === this.loadedText) return;
    this.loadedText = text;
    const parsed = text === undefined ? refusedConfig(`alerts.yaml is ${size.toLocaleString('en')} bytes; the limit is ${MAX_FILE_CHARS.toLocaleString('en')} characters`) : await loadAlertsConfig(text, { now: Date.now() });
    if (this.disposed) return;
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    // Rules with errors are left out by the parser; a file that failed to parse at all keeps the previous rules.
    const keepPrevious = errors.length > 0 && parsed.rules.length === 0 && this.rules.length > 0;
    this.showDiagnostics(uri, parsed.diagnostics, keepPrevious);
    if (keepPrevious) {
      this.output.warn(`alerts: ${uri.fsPath} has ${errors.length} error(s); the previous ${this.rules.length} rule(s) keep running`);
      return;
    }
    this.parsed = parsed;
    this.fileAggregates = parsed.aggregates;
    this.alertHub?.setAggregates(this.aggregates());
    this.apply(parsed.rules, parsed.diagnostics);
    void this.checkSymbols(uri, parsed, ++this.loads);
  }

  /** The aggregates rules may name: the setting's, and the file's (which win on a name both define). */
  private aggregates(): AggregateDefinition[] {
    const own = new Set(this.fileAggregates.map((a) => a.name));
    return [...this.settings().aggregates.filter((a) => !own.has(a.name)), ...this.fileAggregates];
  }

  /** Once the markets load, a rule whose exchange lists no such symbol, or that names no aggregate, is a problem at its `symbol:` value. */
  private async checkSymbols(uri: vscode.Uri, parsed: AlertsConfig, load: number): Promise<void> {
    const hub = this.host.hub;
    const check = await checkRuleSymbols(parsed.rules, parsed.ranges, (exchange) => hub.markets(exchange), this.aggregates().map((a) => a.name));
    if (load !== this.loads || this.disposed) return;
    this.showDiagnostics(uri, [...parsed.diagnostics, ...check.diagnostics]);
  }

  private apply(rules: readonly AlertRule[], diagnostics: readonly Diagnostic[]): void {
    this.rules = rules;
    const engine = rules.length > 0 || this.engine ? this.ensureEngine() : undefined;
    engine?.setRules(rules);
    this.output.info(`alerts: ${rules.length} rule(s) active${diagnostics.length ? `, ${diagnostics.length} problem(s) in ${this.configUri?.fsPath}` : ''}`);
    this.changed.fire(RULES_CHANGED);
  }

  private endGrace(): void {
    this.grace?.dispose();
    this.grace = undefined;
  }

  private ensureEngine(): AlertEngine {
    if (this.engine) return this.engine;
    this.alertHub = new AggregateAlertHub(this.host.hub, this.aggregates(), { log: scopedLogger(this.log, 'aggregate') });
    const engine = new AlertEngine({ hub: this.alertHub, state: this.store ?? AlertStateStore.inMemory(), log: scopedLogger(this.log, 'alerts'), minHistoryBars: this.settings().historyBars });
    engine.onAlert((e) => this.notify(e));
    engine.onStatus((entry) => this.changed.fire({ kind: 'rule', ruleId: entry.ruleId }));
    this.engine = engine;
    return engine;
  }

  private notify(e: AlertEvent): void {
    this.recent.push(e);
    if (this.recent.length > 50) this.recent.shift();
    this.output.info(`ALERT ${new Date(e.firedAt).toISOString()} ${e.ruleName} (${e.ruleId}) ${e.exchange} ${e.symbol}${e.timeframe ? ` ${e.timeframe}` : ''}: ${e.message}`);
    this.changed.fire({ kind: 'rule', ruleId: e.ruleId });
    this.toasts.push(e);
  }

  private showAlert(e: AlertEvent): void {
    void vscode.window.showInformationMessage(`TradeSuite alert — ${e.ruleName}: ${e.message}`, ...ALERT_ACTIONS).then((choice) =>
      runAlertAction(alertActionOf(choice), e, this.rule(e.ruleId), this.settings().defaultTimeframe, {
        openChart: (target) => void this.openChart(target),
        snooze: (ruleId) => this.snooze(ruleId),
        disable: (ruleId) => this.setEnabled(ruleId, false),
        ruleGone: (message) => void vscode.window.showWarningMessage(message),
      }),
    );
  }

  private showHeldAlerts(events: readonly AlertEvent[]): void {
    void vscode.window.showInformationMessage(`TradeSuite — ${heldAlertsText(events)}. Each is in the TradeSuite log.`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') this.output.show(true);
    });
  }

  private showDiagnostics(uri: vscode.Uri, list: readonly Diagnostic[], keptPrevious = false): void {
    const errors = list.filter((d) => d.severity === 'error').length;
    const problems = { errors, warnings: list.length - errors, keptPrevious };
    if (problems.errors !== this.problems.errors || problems.warnings !== this.problems.warnings || problems.keptPrevious !== this.problems.keptPrevious) {
      this.problems = problems;
      this.changed.fire({ kind: 'problems' });
    }
    this.diagnostics.set(
      uri,
      list.map((d) => {
        const range = new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, d.endColumn - 1);
        const diag = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diag.source = 'TradeSuite alerts';
        return diag;
      }),
    );
  }

  private locateConfig(): vscode.Uri | undefined {
    const configured = this.settings().alertsConfigPath;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (configured) return path.isAbsolute(configured) || !folder ? vscode.Uri.file(configured) : vscode.Uri.joinPath(folder, configured);
    return folder ? vscode.Uri.joinPath(folder, 'alerts.yaml') : undefined;
  }
}
