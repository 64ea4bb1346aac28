export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** 0 = no jitter; 0.5 = the delay is drawn from [50%, 100%] of the nominal value. */
  readonly jitter: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/** Delay before retry `attempt` (1-based): exponential, capped, with "equal jitter" so retries never synchronise. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxMs, policy.baseMs * policy.factor ** Math.max(0, attempt - 1));
  const jittered = nominal * (1 - policy.jitter * random());
  return Math.round(jittered);
}
