/** Whether the panel's market is being recorded, as the host last said (`panel/recording`), and how the REC pill shows it. */
import type { RecordingInfo } from '../../shared/protocol';
import { Store } from './store';

export const recordingState = new Store<RecordingInfo | undefined>(undefined);

/** The pill's tone: red while recording as asked, yellow for a named trouble, nothing when off (exhaustive: no default). */
export function recordingTone(info: RecordingInfo | undefined): 'rec' | 'warn' | 'error' | undefined {
  const status = info?.status ?? 'off';
  switch (status) {
    case 'off':
      return undefined;
    case 'starting':
    case 'recording':
      return 'rec';
    case 'behind':
    case 'dropping':
    case 'overBudget':
      return 'warn';
    case 'failed':
      return 'error';
  }
}
