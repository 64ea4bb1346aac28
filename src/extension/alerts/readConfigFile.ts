import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';

/** What reading alerts.yaml found: its size, and its text unless the size refused it unread. */
export interface ConfigFile {
  readonly size: number;
  readonly text: string | undefined;
}

/**
 * Reads alerts.yaml, refusing unread a file of more than `maxBytes`; throws when there is no file or it cannot be read.
 * A file on disk is read with Node's fs: vscode.workspace.fs asks the workbench first on every call (to activate the
 * scheme's provider), and while the window opens the workbench answered each ask a second late, the Alerts view's rules
 * with it. Other schemes (a virtual workspace) only VS Code can read.
 */
export async function readConfigFile(uri: vscode.Uri, maxBytes: number): Promise<ConfigFile> {
  const disk = uri.scheme === 'file';
  const size = disk ? (await fs.stat(uri.fsPath)).size : (await vscode.workspace.fs.stat(uri)).size;
  if (size > maxBytes) return { size, text: undefined };
  const bytes = disk ? await fs.readFile(uri.fsPath) : await vscode.workspace.fs.readFile(uri);
  return { size, text: new TextDecoder().decode(bytes) };
}
