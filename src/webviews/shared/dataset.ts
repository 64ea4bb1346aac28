/** `document.body.dataset` attributes for end-to-end tests; written only when the value changes. */
const last = new Map<string, string>();

export function setBodyData(key: string, value: string | number | null | undefined): void {
  const v = value === null || value === undefined ? '' : String(value);
  if (last.get(key) === v) return;
  last.set(key, v);
  document.body.dataset[key] = v;
}
