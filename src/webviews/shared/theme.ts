/** Reads the VS Code theme from CSS variables and tells subscribers when it changes. */
import { useEffect, useState } from 'preact/hooks';
import { Emitter } from '../../shared/util/emitter';
import { readTheme } from './readTheme';
import { sameTheme, type Theme } from './themeModel';

export type { Theme } from './themeModel';
export { readTheme } from './readTheme';

const themeChanged = new Emitter<[Theme]>();
let current: Theme | undefined;
let observer: MutationObserver | undefined;
let pending = false;

function check(): void {
  pending = false;
  const next = readTheme();
  if (current && sameTheme(current, next)) return;
  current = next;
  themeChanged.fire(next);
}

/**
 * Calls `listener` with the new theme whenever VS Code switches it: it toggles the body classes
 * (vscode-light / vscode-dark / vscode-high-contrast) and rewrites the variables in the html element's style.
 */
export function onThemeChange(listener: (theme: Theme) => void): () => void {
  const subscription = themeChanged.event(listener);
  if (!observer) {
    current = readTheme();
    observer = new MutationObserver(() => {
      if (pending) return;
      pending = true;
      queueMicrotask(check);
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  }
  return () => {
    subscription.dispose();
    if (!themeChanged.hasListeners) {
      observer?.disconnect();
      observer = undefined;
    }
  };
}

/** The current theme, re-rendering the component when it changes. */
export function useTheme(): Theme {
  const [theme, setTheme] = useState<Theme>(() => current ?? readTheme());
  useEffect(() => onThemeChange(setTheme), []);
  return theme;
}
