/** Schedules a callback; returns what cancels it. Injected in tests, whose clocks are not the wall clock. */
export type ScheduleTimer = (callback: () => void, delayMs: number) => () => void;

export const systemTimers: ScheduleTimer = (callback, delayMs) => {
  const handle = setTimeout(callback, delayMs);
  handle.unref?.(); // a pending wait never keeps a process (the bot, a test) alive on its own
  return () => clearTimeout(handle);
};
