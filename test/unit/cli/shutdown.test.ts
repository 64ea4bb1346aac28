import * as assert from 'node:assert/strict';
import { runShutdown, type ShutdownStep } from '../../../src/cli/shutdown';

const never = new Promise<never>(() => undefined);

describe('tradesuite-alerts shutdown: steps in order, under a deadline, given up by a second signal', () => {
  it('runs every step in order and is done', async () => {
    const ran: string[] = [];
    const step = (what: string): ShutdownStep => ({ what, run: async () => ran.push(what) });
    assert.deepEqual(await runShutdown([step('a'), step('b'), step('c')], { deadlineMs: 60_000, abandon: never }), { kind: 'done', failed: [] });
    assert.deepEqual(ran, ['a', 'b', 'c']);
  });

  it('past the deadline, names the step that hangs and the ones never started', async () => {
    const outcome = await runShutdown(
      [
        { what: 'a', run: async () => undefined },
        { what: 'hangs', run: () => never },
        { what: 'c', run: async () => undefined },
      ],
      { deadlineMs: 5, abandon: never },
    );
    assert.deepEqual(outcome, { kind: 'deadline', unfinished: ['hangs', 'c'] });
  });

  it('a second signal gives up at once, naming what is left', async () => {
    let hung: () => void = () => undefined;
    const reached = new Promise<void>((r) => (hung = r));
    let signal: (s: NodeJS.Signals) => void = () => undefined;
    const abandon = new Promise<NodeJS.Signals>((r) => (signal = r));
    const shutdown = runShutdown([{ what: 'hangs', run: () => (hung(), never) }, { what: 'b', run: async () => undefined }], { deadlineMs: 60_000, abandon });
    await reached;
    signal('SIGTERM');
    assert.deepEqual(await shutdown, { kind: 'abandoned', signal: 'SIGTERM', unfinished: ['hangs', 'b'] });
  });

  it('a step that throws is named in the outcome, and the steps after it still run (the state is still flushed)', async () => {
    const ran: string[] = [];
    const boom = new Error('boom');
    const outcome = await runShutdown(
      [
        { what: 'close the recording', run: () => Promise.reject(boom) },
        { what: 'flush the alert state', run: async () => ran.push('flush') },
      ],
      { deadlineMs: 60_000, abandon: never },
    );
    assert.deepEqual(outcome, { kind: 'done', failed: [{ what: 'close the recording', error: boom }] });
    assert.deepEqual(ran, ['flush']);
  });
});
