/**
 * Calls back (debounced) whenever the config file changes: written in place, replaced by a rename over it (vim,
 * `sed -i`, config tools) or deleted and created again. The folder is watched, not the file: a watch on the file
 * follows its inode, which a rename over the path leaves behind, so every later save would go unnoticed.
 */
import { watch } from 'node:fs';
import * as path from 'node:path';

export interface ConfigWatch {
  close(): void;
}

export interface ConfigWatchOptions {
  /** Saves come as bursts of events (truncate, write, rename): one call once they have been quiet this long. */
  readonly debounceMs: number;
  /** The watch itself failed (its folder removed): no more changes will be seen. */
  readonly onError: (err: Error) => void;
}

export function watchConfigFile(file: string, onChange: () => void, opts: ConfigWatchOptions): ConfigWatch {
  const name = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(path.dirname(file), (_event, changed) => {
    // Some platforms give no name: then any change in the folder may be ours.
    if (changed !== null && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, opts.debounceMs);
  });
  watcher.on('error', opts.onError);
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
