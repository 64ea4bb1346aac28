/** The footprint's volume profile mode lives in the setting tradesuite.footprint.volumeProfile; the chart's button and the command change it there. */
import * as vscode from 'vscode';
import type { VolumeProfileMode } from '../shared/protocol';

const SETTING = 'footprint.volumeProfile';

/** Writes the mode where the user's value is (workspace or user settings), so it takes effect. */
export async function setVolumeProfile(mode: VolumeProfileMode): Promise<void> {
  const config = vscode.workspace.getConfiguration('tradesuite');
  const inspected = config.inspect<string>(SETTING);
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(SETTING, mode, target);
}

/** The mode the setting holds now, read afresh (the extension's parsed settings follow only on the change event). */
export function volumeProfileSetting(): VolumeProfileMode {
  const value = vscode.workspace.getConfiguration('tradesuite').get<unknown>(SETTING);
  return value === 'session' ? 'session' : 'visible';
}
