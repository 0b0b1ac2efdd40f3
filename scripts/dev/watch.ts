import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Calls `onChange` once a burst of saves under `dirs` is over (editors write a file in several
 * steps: a temporary file, a rename, a touch). node:fs watch, recursive (Linux since Node 20).
 */
export function watchDirs(dirs: string[], onChange: (files: string[]) => void, debounceMs = 60): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const watchers: FSWatcher[] = dirs.map((dir) => watch(dir, { recursive: true }, (_event, name) => {
    if (name) changed.add(path.join(dir, name.toString()));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed];
      changed.clear();
      onChange(files);
    }, debounceMs);
  }));
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
