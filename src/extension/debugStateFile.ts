/**
 * The engine's debug state written to a file for a test driving the workbench from outside (the e2e's Playwright side
 * cannot call a command for its result): `TRADESUITE_DEBUG_STATE_FILE` names the file, and only then is the
 * `tradesuite.debug.writeState` command offered in the palette.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';

export const DEBUG_STATE_FILE_ENV = 'TRADESUITE_DEBUG_STATE_FILE';
const CONTEXT_KEY = 'tradesuite.debugStateFile';

export function registerDebugStateFile(state: () => Promise<unknown>, env: NodeJS.ProcessEnv = process.env): vscode.Disposable {
  const file = env[DEBUG_STATE_FILE_ENV];
  if (file) void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
  return vscode.commands.registerCommand('tradesuite.debug.writeState', async () => {
    if (!file) throw new Error(`tradesuite.debug.writeState: ${DEBUG_STATE_FILE_ENV} names no file to write the engine state to`);
    // Whole or not at all: the reader takes the file as soon as it appears.
    const part = `${file}.${process.pid}.part`;
    await fs.promises.writeFile(part, JSON.stringify({ at: Date.now(), ...((await state()) as object) }, null, 1));
    await fs.promises.rename(part, file);
    return file;
  });
}
