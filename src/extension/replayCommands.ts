/** "Open Replay…": pick a recorded market and a start time, and open its chart as a replay (a market of its own). */
import * as vscode from 'vscode';
import type { RecordedMarketSummary } from '../core/record/recordedMarkets';
import type { RecordSource } from '../core/record/recordSource';
import { parseReplayId, parseReplayStart, replayId } from '../core/replay/replayId';
import { userMessage } from '../core/util/log';
import type { EngineHost } from './engineHost';
import type { ChartState } from './panels/panelContext';
import type { PanelRegistry } from './panels/panelRegistry';
import { errorText } from '../shared/util/shortText';
import { utcSeconds } from '../shared/util/utcTime';
import { formatBytes } from './formatBytes';
import { isMarket } from './markets/marketNodes';
import { holeAt, holesSentence, startInHoleWarning } from './replay/replayStartHoles';
import { readRecordingHoles } from './replay/readRecordingHoles';
import { showWhileReading } from './replay/showWhileReading';
import type { RecordingHole } from '../core/record/recordTypes';
import type { Settings } from './settings';

interface Deps {
  readonly engine: EngineHost;
  readonly panels: PanelRegistry;
  readonly settings: () => Settings;
}

const MINUTE = 60_000;

/** `tradesuite.openReplay` takes a replay id (from code, tests, a link), or asks for the market and the start. */
export function registerReplayCommands({ engine, panels, settings }: Deps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('tradesuite.openReplay', async (arg?: unknown) => {
      const id = typeof arg === 'string' ? arg : await pickReplay(engine.recordSource, isMarket(arg) ? arg : undefined);
      if (!id) return undefined;
      let target;
      try {
        target = parseReplayId(id);
      } catch (err) {
        void vscode.window.showErrorMessage(errorText(userMessage(err)));
        return undefined;
      }
      const state: ChartState = { kind: 'chart', exchange: replayId(target), symbol: target.market.symbol, timeframe: settings().defaultTimeframe };
      return panels.open(state).state;
    }),
  ];
}

/** The market (asked for unless `only` names one) and the start. */
async function pickReplay(source: RecordSource, only?: { readonly exchange: string; readonly symbol: string }): Promise<string | undefined> {
  const summary = await pickMarket(source, only);
  if (!summary) return undefined;
  const { market, first, last } = summary;
  const start = await askStart(source, market, first, last);
  if (start === undefined) return undefined;
  return replayId({ market, start });
}

/**
 * The recorded market, its box shown at once and busy while the recordings are listed (a large directory or a server
 * takes a while); dismissing the box ends the read. With `only`, the box goes once that market is found.
 */
function pickMarket(source: RecordSource, only?: { readonly exchange: string; readonly symbol: string }): Promise<RecordedMarketSummary | undefined> {
  const box = vscode.window.createQuickPick<vscode.QuickPickItem & { readonly summary: RecordedMarketSummary }>();
  box.title = only ? `Open Replay: ${only.symbol} on ${only.exchange}` : 'Open Replay: a recorded market';
  box.placeholder = `Reading the recordings in ${source.name}…`;
  box.matchOnDescription = true;
  box.busy = true;
  return showWhileReading<RecordedMarketSummary>(box, (reading) => {
    source.markets(reading.signal).then(
      (all) => {
        if (reading.done) return;
        const markets = only ? all.filter((m) => m.market.exchange === only.exchange && m.market.symbol === only.symbol) : all;
        if (markets.length === 0) void vscode.window.showInformationMessage(`Nothing is recorded in ${source.name} yet (the settings tradesuite.recording.store and tradesuite.recording.directory; tradesuite-alerts --record writes there).`);
        if (markets.length === 0 || only) return reading.finish(markets[0]);
        box.items = markets.map((m) => ({ label: m.market.symbol, description: m.market.exchange, detail: `${utc(m.first)} → ${utc(m.last)} · ${formatBytes(m.bytes)}`, summary: m }));
        box.placeholder = undefined;
        box.busy = false;
      },
      (err: unknown) => {
        if (reading.done) return;
        void vscode.window.showErrorMessage(`The recordings in ${source.name} could not be listed: ${errorText(userMessage(err))}`);
        reading.finish(undefined);
      },
    );
    return [
      box.onDidAccept(() => {
        const [picked] = box.selectedItems;
        if (picked) reading.finish(picked.summary);
      }),
    ];
  });
}

/**
 * The start, asked at once: the recording's holes are read meanwhile (the box busy), then named in the prompt, and a
 * start inside one is warned of (still allowed). Undefined when the box is dismissed.
 */
function askStart(source: RecordSource, market: RecordedMarketSummary['market'], first: number, last: number): Promise<number | undefined> {
  const box = vscode.window.createInputBox();
  const from = Math.ceil(first / MINUTE) * MINUTE;
  const range = `A time from ${utc(first)} to ${utc(last)}, like 2026-11-29T14:00.`;
  box.title = `Open Replay: ${market.symbol} on ${market.exchange}, starting at (UTC)`;
  box.prompt = range;
  box.value = isoMinute(from <= last ? from : first);
  box.busy = true;
  let holes: readonly RecordingHole[] = [];
  const verdict = (): { start?: number; message?: vscode.InputBoxValidationMessage } => {
    let start: number;
    try {
      start = parseReplayStart(box.value.trim());
    } catch (err) {
      return { message: { message: userMessage(err), severity: vscode.InputBoxValidationSeverity.Error } };
    }
    if (start > last) return { message: { message: `That is after the last recorded trade (${utc(last)}).`, severity: vscode.InputBoxValidationSeverity.Error } };
    const hole = holeAt(holes, start);
    return { start, ...(hole ? { message: { message: startInHoleWarning(hole), severity: vscode.InputBoxValidationSeverity.Warning } } : {}) };
  };
  const check = () => (box.validationMessage = verdict().message);
  // The holes' read ends with the box: a dismissed box leaves no read of a long recording's files going on.
  return showWhileReading<number>(box, (reading) => {
    readRecordingHoles(source, market, first, last, reading.signal).then(({ holes: found, unread }) => {
      if (reading.done) return;
      holes = found;
      box.prompt = [range, holesSentence(found), unread].filter(Boolean).join(' ');
      box.busy = false;
      check();
    }, () => undefined); // ended with the box
    check();
    return [
      box.onDidChangeValue(check),
      box.onDidAccept(() => {
        const { start } = verdict();
        if (start === undefined) check();
        else reading.finish(start);
      }),
    ];
  });
}


const isoMinute = (ms: number): string => new Date(ms).toISOString().slice(0, 16);
const utc = (ms: number): string => `${utcSeconds(ms)} UTC`;

