/**
 * Where a command's edit of a setting goes: the scope whose value is in effect. A value in the workspace's settings
 * overrides the user's, so an edit written to the user settings there changed nothing the extension reads (a favourite
 * added never showed, one removed stayed) and replaced the user's own list by the workspace's.
 */
import * as vscode from 'vscode';

/** The scope `key` (under `cfg`'s section) is in effect from, and the value written there (undefined: unset). */
export function settingInEffect(cfg: vscode.WorkspaceConfiguration, key: string): { readonly target: vscode.ConfigurationTarget; readonly raw: unknown } {
  const inspected = cfg.inspect<unknown>(key);
  if (inspected?.workspaceValue !== undefined) return { target: vscode.ConfigurationTarget.Workspace, raw: inspected.workspaceValue };
  return { target: vscode.ConfigurationTarget.Global, raw: inspected ? inspected.globalValue : cfg.get<unknown>(key) };
}
