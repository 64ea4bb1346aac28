/**
 * The theme as the webviews use it, resolved from VS Code's CSS variables. Pure: `resolveTheme` takes a getter, so
 * it is testable without a DOM; `theme.ts` passes getComputedStyle.
 */
import { luminance } from './color';

export type ThemeKind = 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  readonly kind: ThemeKind;
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly border: string;
  readonly green: string;
  readonly red: string;
  readonly blue: string;
  readonly yellow: string;
  readonly purple: string;
  readonly orange: string;
  readonly fontFamily: string;
  /** px */
  readonly fontSize: number;
  readonly monoFontFamily: string;
}

const DARK = {
  background: '#1e1e1e', foreground: '#cccccc', muted: '#9d9d9d', border: '#454545',
  green: '#89d185', red: '#f14c4c', blue: '#3794ff', yellow: '#cca700', purple: '#b180d7', orange: '#d18616',
};
const LIGHT = {
  background: '#ffffff', foreground: '#3b3b3b', muted: '#717171', border: '#c8c8c8',
  green: '#388a34', red: '#e51400', blue: '#1a85ff', yellow: '#bf8803', purple: '#652d90', orange: '#d18616',
};
const DEFAULT_FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", system-ui, Ubuntu, "Droid Sans", sans-serif';
const DEFAULT_MONO = 'Menlo, Monaco, Consolas, "Droid Sans Mono", "Courier New", monospace';

/** The kind from VS Code's body classes (vscode-light, vscode-dark, vscode-high-contrast[-light]). */
export function themeKindFromClasses(classes: readonly string[], background?: string): ThemeKind {
  if (classes.includes('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.includes('vscode-high-contrast')) return 'high-contrast';
  if (classes.includes('vscode-light')) return 'light';
  if (classes.includes('vscode-dark')) return 'dark';
  const l = background ? luminance(background) : null;
  return l !== null && l > 0.5 ? 'light' : 'dark';
}

/** `cssVar(name)` returns the raw value of a custom property ('' when unset). */
export function resolveTheme(cssVar: (name: string) => string, bodyClasses: readonly string[]): Theme {
  const get = (name: string) => cssVar(name).trim();
  const bg = get('--vscode-editor-background');
  const kind = themeKindFromClasses(bodyClasses, bg || undefined);
  const d = kind === 'light' || kind === 'high-contrast-light' ? LIGHT : DARK;
  const pick = (fallback: string, ...names: string[]) => {
    for (const n of names) {
      const v = get(n);
      if (v) return v;
    }
    return fallback;
  };
  const size = parseFloat(get('--vscode-font-size'));
  return {
    kind,
    background: bg || d.background,
    foreground: pick(d.foreground, '--vscode-editor-foreground', '--vscode-foreground'),
    muted: pick(d.muted, '--vscode-descriptionForeground'),
    border: pick(d.border, '--vscode-editorWidget-border', '--vscode-panel-border', '--vscode-contrastBorder'),
    green: pick(d.green, '--vscode-charts-green'),
    red: pick(d.red, '--vscode-charts-red'),
    blue: pick(d.blue, '--vscode-charts-blue'),
    yellow: pick(d.yellow, '--vscode-charts-yellow'),
    purple: pick(d.purple, '--vscode-charts-purple'),
    orange: pick(d.orange, '--vscode-charts-orange'),
    fontFamily: pick(DEFAULT_FONT, '--vscode-font-family'),
    fontSize: Number.isFinite(size) && size > 0 ? size : 13,
    monoFontFamily: pick(DEFAULT_MONO, '--vscode-editor-font-family'),
  };
}

export function sameTheme(a: Theme, b: Theme): boolean {
  return (Object.keys(a) as (keyof Theme)[]).every((k) => a[k] === b[k]);
}
