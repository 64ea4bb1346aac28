/**
 * dist/extension.js, the file VS Code requires: at activate() it runs the extension's bundle (dist/extensionMain.js,
 * built from extension.ts) with V8's code cache kept in the extension's storage. Compiling the 0.9 MB bundle was
 * most of each window's activation (BENCHMARKS, "Extension activation"); from the cache V8 deserializes it instead.
 * This file stays small: it is compiled in every window without a cache.
 */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ModuleThrewError, requireWithCodeCache, saveCodeCacheLater, type CodeCachedModule, type PendingCodeCache } from '../core/util/codeCachedRequire';
import { errorMessage, logBuffer, type Logger } from '../core/util/log';
import type * as Extension from './extension';

export type ExtensionMain = Pick<typeof Extension, 'activate' | 'deactivate'>;

/** The bundle's file name, beside this one in dist/. */
export const MAIN_BUNDLE = 'extensionMain.js';

/** A new code cache is written this long after activation, so it holds the functions the first seconds ran. */
export const MAIN_CODE_CACHE_SAVE_DELAY_MS = 10_000;

export interface LoadedMain {
  readonly main: ExtensionMain;
  /** Undefined when the code cache's path failed and the bundle was loaded by a plain require. */
  readonly cached: CodeCachedModule | undefined;
}

/**
 * The bundle with its code cache; if that path fails (a cache directory or V8 quirk we did not foresee), by a plain
 * `moduleRequire`, logged. A bundle that cannot load either way, or is not the extension's, throws an error naming it.
 */
export function loadMain(file: string, cacheDir: string, log: Logger, moduleRequire: NodeJS.Require): LoadedMain {
  let cached: CodeCachedModule | undefined;
  try {
    cached = requireWithCodeCache(file, cacheDir, log, moduleRequire);
  } catch (err) {
    // The bundle itself threw: it ran once, and must not run again by a plain require.
    if (err instanceof ModuleThrewError) throw new Error(`the extension's bundle ${file} did not load: ${errorMessage(err.cause)}`, { cause: err.cause });
    log.warn(`${path.basename(file)} did not load with its code cache (${errorMessage(err)}): loaded without it`);
  }
  let exports: unknown;
  try {
    exports = cached ? cached.exports : moduleRequire(file);
  } catch (err) {
    throw new Error(`the extension's bundle ${file} did not load: ${errorMessage(err)}`, { cause: err });
  }
  return { main: asMain(exports, file), cached };
}

function asMain(exports: unknown, file: string): ExtensionMain {
  const m = (typeof exports === 'object' && exports !== null ? exports : {}) as Partial<Record<keyof ExtensionMain, unknown>>;
  if (typeof m.activate !== 'function' || typeof m.deactivate !== 'function') throw new Error(`the extension's bundle ${file} exports no activate() and deactivate()`);
  return m as ExtensionMain;
}

let main: ExtensionMain | undefined;
let pendingSave: PendingCodeCache | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = logBuffer();
  const started = Date.now();
  // The global storage, not `tradesuite.cacheDirectory`: that setting is read by the bundle this loads.
  const loaded = loadMain(path.join(__dirname, MAIN_BUNDLE), path.join(context.globalStorageUri.fsPath, 'code'), log, require);
  const cache = loaded.cached?.cache ?? 'not used';
  const took = `${MAIN_BUNDLE} loaded in ${Date.now() - started} ms (code cache: ${cache})`;
  if (cache === 'rejected') log.info(`${took}; a new one is written`);
  else log.debug(took);
  if (loaded.cached) pendingSave = saveCodeCacheLater(loaded.cached, MAIN_CODE_CACHE_SAVE_DELAY_MS);
  main = loaded.main;
  main.activate(context, log);
}

export async function deactivate(): Promise<void> {
  const loaded = main;
  main = undefined;
  // Started first: VS Code stops waiting for a deactivation after a few seconds, and the bundle's may take them.
  const saved = pendingSave?.flush();
  try {
    await loaded?.deactivate();
  } finally {
    await saved;
  }
}
