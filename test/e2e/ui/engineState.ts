/**
 * The extension host's own view, read from the Playwright side: TradeSuite: Debug: Write Engine State writes the
 * engine's debug state (panels, streams with their states and newest update times, ccxt's sockets) to the file the
 * runner named (CodeServer.engineStateFile), which is read once it appears.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { executeCommand, type CodeServer } from '../runner';

export interface EngineStream {
  kind: string;
  exchange: string;
  symbol: string;
  state: { status: string; attempt?: number; reason?: string; retryInMs?: number; since?: number };
  stateSince: number;
  lastDataAt?: number;
  listeners: number;
}
export interface EngineSocket {
  url: string;
  connected: boolean;
  connectedAt?: number;
  subscriptions: string[];
  futures: string[];
  error?: string;
}
export interface EngineState {
  at: number;
  panels: Array<{ kind: string; exchange: string; symbol: string; title: string; connection: string; connectionHistory: string[]; visible: boolean }>;
  streams: EngineStream[];
  sockets: Array<{ exchange: string; sockets: EngineSocket[] }>;
}

/** Asks the extension for its state through the palette and reads the file it writes (within `timeoutMs`). */
export async function readEngineState(page: Page, server: CodeServer, timeoutMs = 20_000): Promise<EngineState> {
  const file = server.engineStateFile;
  fs.rmSync(file, { force: true });
  // Watched before the command runs, so its rename cannot come unseen.
  const written = new Promise<void>((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file), () => {
      if (!fs.existsSync(file)) return;
      finish();
      resolve();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the extension did not write its engine state to ${file} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      watcher.close();
    };
  });
  try {
    await executeCommand(page, 'TradeSuite: Debug: Write Engine State');
  } catch (err) {
    written.catch(() => undefined);
    throw err;
  }
  await written;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EngineState;
}

/** One line per stream of `exchange` (all when undefined) and its sockets: status, attempt, newest update's age. */
export function describeEngine(state: EngineState, exchange?: string): string {
  const age = (t: number | undefined) => (t === undefined ? 'never' : `${((state.at - t) / 1000).toFixed(1)} s ago`);
  const streams = state.streams
    .filter((s) => exchange === undefined || s.exchange === exchange)
    .map((s) => {
      const st = s.state;
      // Past its retry delay, a reconnecting stream is trying again (a watch under way), not waiting.
      const trying = st.retryInMs !== undefined && state.at - s.stateSince > st.retryInMs ? 'trying again' : 'waiting';
      const how = st.status === 'reconnecting' ? ` (${st.attempt ?? '?'}) ${age(s.stateSince)}, retry delay ${st.retryInMs ?? '?'} ms, ${trying}: ${(st.reason ?? '').slice(0, 120)}` : st.status === 'live' ? ` since ${age(st.since)}` : st.reason ? `: ${st.reason.slice(0, 120)}` : '';
      return `${s.kind} ${s.exchange} ${s.symbol}: ${st.status}${how}; last data ${age(s.lastDataAt)}; ${s.listeners} listening`;
    });
  const sockets = state.sockets
    .filter((x) => exchange === undefined || x.exchange === exchange)
    .flatMap((x) => x.sockets.map((k) => `${x.exchange} socket ${k.url}: ${k.connected ? `connected ${age(k.connectedAt)}` : 'not connected'}${k.error ? ` (error ${k.error.slice(0, 120)})` : ''}; subscribed ${k.subscriptions.join(', ') || 'none'}; awaited ${k.futures.join(', ') || 'none'}`));
  return [...streams, ...sockets].join('\n');
}
