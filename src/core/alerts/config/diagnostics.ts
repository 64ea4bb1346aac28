/**
 * Problems found in alerts.yaml, located at the exact node. Lines and columns are 1-based; the end is exclusive
 * (endColumn is the column just past the last character), so a VS Code Range is
 * `new Range(line - 1, column - 1, endLine - 1, endColumn - 1)`.
 */
import type { LineCounter } from 'yaml';

export type Severity = 'error' | 'warning';

export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Diagnostic extends SourceRange {
  readonly message: string;
  readonly severity: Severity;
}

/** Turns character offsets into 1-based line/column ranges and collects diagnostics. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly lines: LineCounter,
    private readonly textLength: number,
  ) {}

  range(start: number, end: number): SourceRange {
    const s = Math.max(0, Math.min(start, this.textLength));
    const e = Math.max(s, Math.min(end, this.textLength));
    const a = this.lines.linePos(s);
    const b = this.lines.linePos(e);
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  }

  add(message: string, start: number, end: number, severity: Severity = 'error'): void {
    this.diagnostics.push({ message, severity, ...this.range(start, end) });
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}

/** Sorted by position, so editors and the CLI list them top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** "alerts.yaml:12:5: error: …" — for the CLI and logs. */
export function formatDiagnostic(d: Diagnostic, file = 'alerts.yaml'): string {
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}
