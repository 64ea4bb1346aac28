import { readFileSync, statSync } from 'node:fs';

/**
 * A built page asset's text to put in the page's HTML, read again only when the file changes (`npm run build`, then
 * "Developer: Reload Webviews"); undefined when it cannot be put there unchanged (unreadable, or a sequence that
 * would end or bend the element it sits in, or a relative reference that would resolve against the page instead of
 * the file), so the page links it instead.
 *
 * Why inline: in a new window each linked file is a round trip through VS Code's webview service worker and the
 * workbench (50–100 ms, more under load) before the page's script can run.
 */
export function inlinableAsset(fsPath: string, element: 'script' | 'style'): string | undefined {
  const key = `${element}:${fsPath}`;
  const version = fileVersion(fsPath);
  const held = texts.get(key);
  if (held && held.version === version) return held.text;
  const text = version === undefined ? undefined : readInlinable(fsPath, element);
  texts.set(key, { version, text });
  return text;
}

const texts = new Map<string, { version: string | undefined; text: string | undefined }>();

/** A cheap stand-in for the file's content: its modification time and size (a stat, not a read of megabytes). */
function fileVersion(fsPath: string): string | undefined {
  try {
    const st = statSync(fsPath);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
}

const unsafe: Record<'script' | 'style', RegExp> = {
  // In script data `<!--` followed by `<script` changes how the parser finds the end; `</script` ends it.
  script: /<\/script|<!--/i,
  // A url() or @import inside the file is relative to the file, not to the page it would be inlined in.
  style: /<\/style|url\(|@import/i,
};

function readInlinable(fsPath: string, element: 'script' | 'style'): string | undefined {
  let text: string;
  try {
    text = readFileSync(fsPath, 'utf8');
  } catch {
    return undefined;
  }
  return unsafe[element].test(text) ? undefined : text;
}
