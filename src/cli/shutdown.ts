/**
 * The bot's shutdown: its steps in order, under an overall deadline, given up at once by another stop signal. A step
 * that never settles (a write under /proc, a socket that never closes) must not keep the process alive forever.
 */

export interface ShutdownStep {
  /** What the step does, for the log: "flush the alert state". */
  readonly what: string;
  readonly run: () => Promise<unknown>;
}

/** A step that threw: the steps after it still ran (a failed recording close must not cost the state's flush). */
export interface FailedStep {
  readonly what: string;
  readonly error: unknown;
}

export type ShutdownOutcome =
  | { readonly kind: 'done'; readonly failed: readonly FailedStep[] }
  | { readonly kind: 'deadline'; readonly unfinished: readonly string[] }
  | { readonly kind: 'abandoned'; readonly signal: NodeJS.Signals; readonly unfinished: readonly string[] };

export interface ShutdownOptions {
  readonly deadlineMs: number;
  /** Resolves when the shutdown is to be given up (a second SIGINT or SIGTERM). */
  readonly abandon: Promise<NodeJS.Signals>;
}

/** Runs `steps` one after the other; a step that throws is named in the outcome and the next one runs. */
export async function runShutdown(steps: readonly ShutdownStep[], opts: ShutdownOptions): Promise<ShutdownOutcome> {
  let next = 0;
  const sequence = (async (): Promise<ShutdownOutcome> => {
    const failed: FailedStep[] = [];
    for (; next < steps.length; next++) {
      const step = steps[next];
      if (step) await step.run().catch((error: unknown) => failed.push({ what: step.what, error }));
    }
    return { kind: 'done', failed };
  })();
  const unfinished = (): string[] => steps.slice(next).map((s) => s.what);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ShutdownOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'deadline', unfinished: unfinished() }), opts.deadlineMs);
  });
  const abandoned = opts.abandon.then((signal): ShutdownOutcome => ({ kind: 'abandoned', signal, unfinished: unfinished() }));
  try {
    return await Promise.race([sequence, deadline, abandoned]);
  } finally {
    clearTimeout(timer);
  }
}
