/** Runs `fn` after `ms`; disposing the answer cancels it. The alerts' views and the panels' throttles take one so tests move time by hand. */
export type Schedule = (fn: () => void, ms: number) => { dispose(): void };

export const scheduleTimeout: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return { dispose: () => clearTimeout(timer) };
};
