/** A stand-in for the `vscode` module in plain-Node unit tests: just the configuration reads settings.ts makes. */
import Module from 'node:module';

const values = new Map<string, unknown>();
const FAKE_PATH = '/fake-vscode/index.js';

const fake = {
  workspace: {
    getConfiguration: (section: string) => ({ get: (key: string, fallback?: unknown) => (values.has(`${section}.${key}`) ? values.get(`${section}.${key}`) : fallback) }),
  },
};

const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
const resolve = M._resolveFilename;
M._resolveFilename = (request: string, ...rest: unknown[]) => (request === 'vscode' ? FAKE_PATH : resolve(request, ...rest));
const cached = new Module(FAKE_PATH);
cached.exports = fake;
cached.loaded = true;
M._cache[FAKE_PATH] = cached;

/** Sets the user's settings (`{ "tradesuite.favourites": null }`); keys not given are unset. */
export function setConfiguration(settings: Record<string, unknown>): void {
  values.clear();
  for (const [k, v] of Object.entries(settings)) values.set(k, v);
}
