/**
 * Problems found in alerts.yaml, located at the exact node. Lines and columns are 1-based; the end is exclusive
 * (endColumn is the column just past the last character), so a VS Code Range is
 * `new Range(line - 1, column - 1, endLine - 1, endColumn - 1)`.
 */

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

/**
 * Turns character offsets into 1-based line/column ranges and collects diagnostics. Lines are found in the text
 * itself (\n, \r\n or \r, as editors count them): the YAML library's LineCounter misses the line breaks inside
 * tokens it gave up on after a syntax error, which put every later diagnostic on the wrong line.
 */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lineStarts: number[] = [0];
  /** Where each line's content ends (its line break excluded), so an offset inside a \r\n stays on the line. */
  private readonly lineEnds: number[] = [];
  private readonly textLength: number;

  constructor(text: string) {
    this.textLength = text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        this.lineEnds.push(c === 10 && text.charCodeAt(i - 1) === 13 ? i - 1 : i);
        this.lineStarts.push(i + 1);
      }
    }
    this.lineEnds.push(text.length);
  }

  range(start: number, end: number): SourceRange {
    const s = Math.max(0, Math.min(start, this.textLength));
    const e = Math.max(s, Math.min(end, this.textLength));
    const a = this.position(s);
    const b = this.position(e);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** 1-based line and column of an offset (binary search over the line starts). */
  private position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? Infinity) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: Math.min(offset, this.lineEnds[lo] ?? offset) - (this.lineStarts[lo] ?? 0) + 1 };
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
