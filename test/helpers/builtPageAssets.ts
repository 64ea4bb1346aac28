/** An extension folder holding a panel kind's built page (bundle, style, loader), for host-side tests of the page's HTML and its bundle's post. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface BuiltPageAssets {
  readonly root: string;
  remove(): void;
}

/** `dist/webviews/<kind>.js` holds `bundle`, `<kind>.css` is empty, `pageLoader.js` holds `load();`. */
export function builtPageAssets(kind: string, bundle: string): BuiltPageAssets {
  const root = mkdtempSync(path.join(tmpdir(), `ts-page-${kind}-`));
  const dir = path.join(root, 'dist', 'webviews');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${kind}.js`), bundle);
  writeFileSync(path.join(dir, `${kind}.css`), '');
  writeFileSync(path.join(dir, 'pageLoader.js'), 'load();');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The same made before each test of the calling `describe` and removed after it; `root()` is the current test's. */
export function eachTestPageAssets(kind: string, bundle: string): { root(): string } {
  let assets: BuiltPageAssets | undefined;
  beforeEach(() => (assets = builtPageAssets(kind, bundle)));
  afterEach(() => assets?.remove());
  return {
    root: () => {
      if (!assets) throw new Error('eachTestPageAssets: asked outside a test');
      return assets.root;
    },
  };
}
