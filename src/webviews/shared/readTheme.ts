/** The VS Code theme as the page's CSS variables and body classes say now (no preact: the chart's preview painter uses it too). */
import { resolveTheme, type Theme } from './themeModel';

export function readTheme(): Theme {
  const root = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  return resolveTheme((name) => body.getPropertyValue(name) || root.getPropertyValue(name), Array.from(document.body.classList));
}
