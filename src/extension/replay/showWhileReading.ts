import * as vscode from 'vscode';

/** A box's read of what it offers: the signal that ends it, and the box's one answer. */
export interface BoxReading<T> {
  readonly signal: AbortSignal;
  /** The box has answered: a late result of the read is dropped. */
  readonly done: boolean;
  /** Answers once: the read is aborted, the listeners and the box disposed. */
  finish(value: T | undefined): void;
}

/**
 * Shows `box` while what it offers is read (a large recording directory or a server takes a while): `start` begins
 * the read with the box's signal and returns its listeners. The box answers once, and undefined when it is hidden;
 * a dismissed box leaves no read going on.
 */
export function showWhileReading<T>(box: vscode.QuickInput, start: (reading: BoxReading<T>) => vscode.Disposable[]): Promise<T | undefined> {
  const controller = new AbortController();
  return new Promise((resolve) => {
    const listeners: vscode.Disposable[] = [];
    const reading = {
      signal: controller.signal,
      done: false,
      finish(value: T | undefined) {
        if (reading.done) return;
        reading.done = true;
        controller.abort();
        for (const d of listeners) d.dispose();
        box.dispose();
        resolve(value);
      },
    };
    listeners.push(box.onDidHide(() => reading.finish(undefined)), ...start(reading));
    box.show();
  });
}
