/**
 * Mocha root hooks: an unhandled promise rejection anywhere fails the run. Mocha itself only re-emits them, and the
 * headless bot dies on one, so each is reported as a failure of the test during which it surfaced.
 */
import { inspect } from 'node:util';

/** By promise: Mocha re-emits each rejection it traps, so one rejection reaches us twice. */
const pending = new Map<Promise<unknown>, unknown>();
const record = (reason: unknown, promise: Promise<unknown>): void => void pending.set(promise, reason);

function failIfAny(when: string): void {
  if (pending.size === 0) return;
  const reasons = [...pending.values()].map((r) => (r instanceof Error ? (r.stack ?? r.message) : inspect(r)));
  pending.clear();
  throw new Error(`${reasons.length} unhandled promise rejection(s) ${when}:\n${reasons.join('\n---\n')}`);
}

export const mochaHooks = {
  beforeAll(): void {
    process.on('unhandledRejection', record);
  },
  afterEach(): void {
    failIfAny('during this test');
  },
  afterAll(): void {
    process.off('unhandledRejection', record);
    failIfAny('after the last test');
  },
};
