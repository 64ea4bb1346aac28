/** Times as the views show them, in the user's time zone: the clock alone today, with the date on another day. */
const two = (n: number): string => String(n).padStart(2, '0');

export function localTime(ms: number, now: number): string {
  const d = new Date(ms);
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return new Date(now).toDateString() === d.toDateString() ? clock : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock}`;
}
