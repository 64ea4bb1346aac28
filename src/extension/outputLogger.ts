import type * as vscode from 'vscode';
import type { Logger } from '../core/util/log';

/** The core's Logger over VS Code's LogOutputChannel (which adds timestamps and honours the user's log level). */
export function outputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
}
