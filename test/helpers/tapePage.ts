/** What a time & sales page shows, as the webview folds the host's messages (its last snapshot, then every row change). */
import type { TapeRowWire } from '../../src/shared/protocol';
import { applyTapeRows } from '../../src/webviews/tape/tapeView';
import { receivedByPage, type FakePanel } from './fakeWebviewPanel';

/** The rows the page holds, newest first. */
export function shownTapeRows(fake: FakePanel): TapeRowWire[] {
  let rows: TapeRowWire[] = [];
  for (const m of receivedByPage(fake.messages)) {
    if (m.method === 'tape/snapshot') rows = [...m.params.rows];
    else if (m.method === 'tape/rows') rows = applyTapeRows(rows, m.params.rows, 100_000);
  }
  return rows;
}
