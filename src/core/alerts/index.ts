/** The alert engine's public surface (pure TypeScript, no vscode): config, engine, state, backtest. */
export type { AlertEvent, NotificationResult, Notifier } from './alertEvent';
export { parseAlertsConfig, type AlertsConfig, type ParseOptions } from './config/parseAlertsConfig';
export { loadAlertsConfig, refusedConfig } from './config/loadAlertsConfig';
export { MAX_FILE_CHARS } from './config/bounds';
export { formatDiagnostic, type Diagnostic, type Severity, type SourceRange } from './config/diagnostics';
export type { RuleRanges } from './config/parseRule';
export { checkRuleSymbols, type SymbolCheck } from './symbolCheck';
export * from './rules';
export { parseDuration, formatDuration } from './duration';
export { slugifyRuleName, ruleFingerprint } from './ruleIdentity';
export { AlertEngine, type AlertEngineOptions } from './alertEngine';
export type { AlertHub } from './alertHub';
export { AlertStateStore, type AlertStateStoreOptions } from './alertState';
export type { RuleState } from './ruleState';
export { describeStatus, type RuleStatus, type RuleStatusEntry, type RuleStatusKind } from './ruleStatus';
export { backtest, type BacktestData, type BacktestOptions, type BacktestResult, type FirePoint } from './backtest';
export { RuleRunner, type RunnerHooks } from './eval/ruleRunner';
export type { Reading } from './eval/reading';
