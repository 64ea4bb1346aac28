/** The control characters a name, path or setting taken from outside must not hold: C0 (newline, NUL, escape…) and DEL. */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether `s` holds a control character (C0 or DEL): one in a name or a path is a paste or an injection, never meant. */
export const hasControlChar = (s: string): boolean => CONTROL.test(s);
