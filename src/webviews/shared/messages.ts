/**
 * Unpacking and validation of what the host posts. Pure (no DOM): `vscode.ts` wires it to `message` events.
 */
import { MAX_BATCH_DEPTH, parseHostMessage, type HostMessage } from '../../shared/protocol';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates `raw` with `parseHostMessage` and flattens `panel/batch` envelopes, in order. A batch that fails
 * validation because of some of its messages is not dropped whole: each inner message is validated on its own and
 * only the bad ones are dropped (one `onInvalid` call each), so one malformed delta cannot freeze a frame.
 * Envelopes nest at most MAX_BATCH_DEPTH deep, so the work is at most that many passes over the message.
 */
export function unpackHostMessages(raw: unknown, onInvalid: (error: string) => void): HostMessage[] {
  const out: HostMessage[] = [];
  unpackInto(raw, out, onInvalid, 0);
  return out;
}

function unpackInto(raw: unknown, out: HostMessage[], onInvalid: (error: string) => void, depth: number): void {
  const parsed = parseHostMessage(raw, depth);
  if (parsed.ok) {
    flattenValid(parsed.message, out);
    return;
  }
  if (depth < MAX_BATCH_DEPTH && isRecord(raw) && raw.method === 'panel/batch' && isRecord(raw.params) && Array.isArray(raw.params.messages)) {
    for (const inner of raw.params.messages) unpackInto(inner, out, onInvalid, depth + 1);
    return;
  }
  onInvalid(parsed.error);
}

/** A batch that passed validation has only valid messages inside, nested at most MAX_BATCH_DEPTH deep. */
function flattenValid(message: HostMessage, out: HostMessage[]): void {
  if (message.method !== 'panel/batch') {
    out.push(message);
    return;
  }
  for (const inner of message.params.messages) flattenValid(inner, out);
}
