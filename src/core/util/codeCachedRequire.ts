/**
 * Runs a CommonJS file as `require` would, with V8's code cache for it kept on disk. Compiling ccxt's 6 MB chunk
 * is 0.1–0.25 s of every process's first exchange use (the extension host of each new window, the bot); with the
 * cache V8 deserializes the code instead. Node's own compile cache (`module.enableCompileCache`) would do it for
 * every module of the process, other extensions' too, so this one is scoped to the file it is asked for.
 */
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { errorMessage, type Logger } from './log';
import { isOtherProcessRunning, tempFileOf, writeAtomic } from './writeAtomic';

/** `hit`: V8 took the cache; `miss`: there was none; `rejected`: a cache file that V8 or its checksum refused. */
export type CodeCacheUse = 'hit' | 'miss' | 'rejected';

export interface CodeCachedModule {
  readonly exports: unknown;
  readonly cache: CodeCacheUse;
  /** Where the cache of this file, V8 and platform is (or would be) kept. */
  readonly cacheFile: string;
  /**
   * After a miss or a rejection, writes the cache with every function compiled so far (so call it once the module
   * has done its first work) and removes the caches of other versions of the file; at most once. Resolves false
   * when nothing was written; a failure is logged, never thrown.
   */
  save(): Promise<boolean>;
}

const SUFFIX = '.v8cache';
const DIGEST_BYTES = 32;
/** Far above ccxt's (≈ 1.5 MB); a bigger file is not read. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
// The wrapper has a line of its own, so line and column numbers in stack traces are the file's.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

type CommonJsWrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

/**
 * `file` must not use a dynamic `import()`: a vm.Script runs one only with Node's experimental module loader (the
 * ccxt chunk is built with dynamic imports turned into requires). `moduleRequire`: the `require` the file's code
 * gets (by default one of its own); the extension's bundle gets its entry's, so VS Code sees `require('vscode')`
 * come from the same module as a plain require of the bundle would (it names the extension by that module's path).
 */
/** The module's own top-level code threw (it ran): loading it again another way would run it twice. */
export class ModuleThrewError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`${path.basename(file)} threw while it loaded: ${errorMessage(cause)}`, { cause });
    this.name = 'ModuleThrewError';
  }
}

export function requireWithCodeCache(file: string, cacheDir: string, log: Logger, moduleRequire: NodeJS.Require = createRequire(file)): CodeCachedModule {
  const source = readFileSync(file, 'utf8');
  const cacheFile = path.join(cacheDir, `${path.basename(file)}-${cacheKey(file)}${SUFFIX}`);
  const stored = readCache(cacheFile, log);
  const script = new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, { filename: file, lineOffset: -1, cachedData: stored === 'corrupt' ? undefined : stored });
  const cache: CodeCacheUse = stored === 'corrupt' || script.cachedDataRejected === true ? 'rejected' : stored === undefined ? 'miss' : 'hit';
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as CommonJsWrapper;
  try {
    run(module.exports, moduleRequire, module, file, path.dirname(file));
  } catch (err) {
    throw new ModuleThrewError(file, err);
  }
  let saved = cache === 'hit';
  return {
    exports: module.exports,
    cache,
    cacheFile,
    save: async () => {
      if (saved) return false;
      saved = true;
      try {
        const data = script.createCachedData();
        await fs.mkdir(cacheDir, { recursive: true });
        await writeAtomic(cacheFile, Buffer.concat([digest(data), data]));
        await removeOtherVersions(cacheDir, path.basename(file), cacheFile);
        return true;
      } catch (err) {
        log.warn(`cannot save the code cache of ${path.basename(file)} in ${cacheDir}: ${errorMessage(err)}`);
        return false;
      }
    },
  };
}

/** A cache is for one build of the file (size and mtime), one V8 and one platform. */
function cacheKey(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return createHash('sha256').update(JSON.stringify([size, mtimeMs, process.versions.v8, process.platform, process.arch])).digest('hex').slice(0, 16);
}

/** The cache's bytes once its checksum holds ('corrupt' when not: V8 must not deserialize a torn file), or undefined. */
function readCache(cacheFile: string, log: Logger): Buffer | 'corrupt' | undefined {
  let bytes: Buffer;
  try {
    if (statSync(cacheFile).size > MAX_CACHE_BYTES) return 'corrupt';
    bytes = readFileSync(cacheFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`cannot read the code cache ${cacheFile}: ${errorMessage(err)}`);
    return undefined;
  }
  const data = bytes.subarray(DIGEST_BYTES);
  return bytes.length > DIGEST_BYTES && digest(data).equals(bytes.subarray(0, DIGEST_BYTES)) ? data : 'corrupt';
}

function digest(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The caches of other builds of the file or other V8s, and the temp files of writers that died mid-write. */
async function removeOtherVersions(cacheDir: string, base: string, keep: string): Promise<void> {
  for (const name of await fs.readdir(cacheDir)) {
    if (!name.startsWith(`${base}-`)) continue;
    const other = path.join(cacheDir, name);
    const temp = tempFileOf(name);
    const stale = temp === undefined ? other !== keep && name.endsWith(SUFFIX) : temp.target.endsWith(SUFFIX) && !isOtherProcessRunning(temp.pid);
    if (stale) await fs.rm(other, { force: true });
  }
}

/** A code cache to write later (CodeCachedModule.save), or at once by `flush` (a shutdown); nothing to write on a hit. */
export interface PendingCodeCache {
  flush(): Promise<void>;
}

/**
 * Writes `module`'s code cache `delayMs` after its load (by then the functions its first work ran are compiled, and the
 * write is off that work's path), or when flushed first. The timer keeps no process alive.
 */
export function saveCodeCacheLater(module: CodeCachedModule, delayMs: number): PendingCodeCache {
  let timer: NodeJS.Timeout | undefined;
  const flush = async (): Promise<void> => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    await module.save();
  };
  if (module.cache !== 'hit') {
    timer = setTimeout(() => void flush(), delayMs);
    timer.unref();
  }
  return { flush };
}
