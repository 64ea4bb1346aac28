/** A recorded market's state as the Markets tree and a panel's REC pill show it: the recorder's state, and the store's budget. */
import type { HolesWritten, RecorderState } from '../../core/record/recorderState';
import type { StoreState } from '../../core/record/recordingService';
import { assertNever } from '../../core/util/assertNever';
import { MAX_RECORDING_DETAIL_CHARS, MAX_RECORDING_TEXT_CHARS, type RecordingInfo } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import { formatBytes } from '../formatBytes';
import { holeSpan, holeWords } from '../replay/replayStartHoles';

export const NOT_RECORDED: RecordingInfo = { status: 'off', text: '' };

/** The holes recorded since the recording started, for the REC pill's tooltip. */
function holesWrittenSentence({ count, last }: HolesWritten): string {
  const words = holeWords(last.kind);
  const which = count === 1 ? `${words.missing} may be missing` : `${count} holes since the recording started; the last: ${words.missing.toLowerCase()} may be missing`;
  return `${which} ${holeSpan(last)} (${last.reason}); in a replay ${words.shows}.`;
}

/**
 * `why`: asked for (the setting's list) or because a panel of it is open. Its texts as the page takes them: the
 * tooltip names the store's error (a whole HTML page from a remote store) and the store's folder (a setting).
 */
export function recordingInfo(state: RecorderState | undefined, store: StoreState, why: 'asked' | 'open', root: string): RecordingInfo {
  const { status, text, detail } = unbounded(state, store, why, root);
  return { status, text: clip(text, MAX_RECORDING_TEXT_CHARS), ...(detail === undefined ? {} : { detail: clip(detail, MAX_RECORDING_DETAIL_CHARS) }) };
}

function unbounded(state: RecorderState | undefined, store: StoreState, why: 'asked' | 'open', root: string): RecordingInfo {
  if (!state) return NOT_RECORDED;
  const because = why === 'asked' ? 'tradesuite.recording.markets' : 'a panel is open and tradesuite.recording.recordOpenMarkets is on';
  switch (state.status) {
    case 'stopped':
      return NOT_RECORDED;
    case 'failed':
      return { status: 'failed', text: 'REC failed', detail: `Not recorded: ${state.reason}` };
    case 'behind':
      return { status: 'behind', text: 'REC behind', detail: `The store failed a write (${state.reason}); ${state.buffered} rows are kept and retried in ${Math.ceil(state.retryInMs / 1000)}s` };
    case 'dropping':
      return { status: 'dropping', text: 'REC dropping', detail: `${state.dropped} rows not recorded: ${state.reason}` };
    case 'starting':
    case 'recording':
      if (store.status === 'overBudget') {
        return { status: 'overBudget', text: 'REC over budget', detail: `The store in ${root} holds ${formatBytes(store.bytes)}, over its budget of ${formatBytes(store.maxBytes)} (tradesuite.recording.maxSizeGB) with only the day being written left: recording goes on. Raise the budget or record fewer markets.` };
      }
      if (state.status === 'starting') return { status: 'starting', text: 'REC', detail: `Starting to record (${because})` };
      return state.holes
        ? { status: 'recording', text: `REC · ${state.holes.count} ${state.holes.count === 1 ? 'hole' : 'holes'}`, detail: `Recorded into ${root} (${because}). ${holesWrittenSentence(state.holes)}` }
        : { status: 'recording', text: 'REC', detail: `Recorded into ${root} (${because})` };
    default:
      return assertNever(state);
  }
}
