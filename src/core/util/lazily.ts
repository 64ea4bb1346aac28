import { errorMessage } from './log';

/**
 * A dependency required on its first use, not when its importer loads: the extension activates in every window, and
 * in its build yaml and hyparquet are files of their own in dist/ (esbuild.mjs, `lazyChunks`), compiled only when an
 * alerts file is read or a recording written or read. `load` requires it; a failure names `name` and says why.
 */
export function lazily<T>(name: string, load: () => T): () => T {
  let loaded: { readonly module: T } | undefined;
  return () => {
    if (loaded) return loaded.module;
    try {
      loaded = { module: load() };
    } catch (err) {
      throw new Error(`${name} did not load: ${errorMessage(err)}`, { cause: err });
    }
    return loaded.module;
  };
}
