/** Reads the user's `tradesuite.*` settings from VS Code and reports each problem once. */
import * as vscode from 'vscode';
import { parseSettings, type Settings } from './parseSettings';

export type { Settings } from './parseSettings';

export const SECTION = 'tradesuite';

/** The validated settings and their problems (each naming the setting; its default was used). Never throws. */
export function readSettings(): { settings: Settings; problems: string[] } {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return parseSettings((key) => cfg.get<unknown>(key));
}

export const favouriteId = (m: { exchange: string; symbol: string }) => `${m.exchange}:${m.symbol}`;
