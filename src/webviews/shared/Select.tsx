/**
 * A compact `vscode-single-select` (from @vscode-elements/elements; only the components used are imported).
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { JSX } from 'preact';
import { memo } from 'preact/compat';
import { useEffect, useRef } from 'preact/hooks';
import { sameSelectProps, type SelectProps } from './selectProps';

export type { SelectOption } from './selectProps';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'vscode-single-select': HTMLAttributes<HTMLElement> & { value?: string; disabled?: boolean };
      'vscode-option': HTMLAttributes<HTMLElement> & { value?: string; selected?: boolean; description?: string };
    }
  }
}

function SelectImpl({ value, options, onChange, label, class: cls, disabled = false }: SelectProps): JSX.Element {
  const ref = useRef<HTMLElement & { value: string }>(null);
  const changeRef = useRef(onChange);
  changeRef.current = onChange;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listener = () => changeRef.current(el.value);
    el.addEventListener('change', listener);
    return () => el.removeEventListener('change', listener);
  }, []);
  // Keep the element's value in step when the host changes it (not only on user choice).
  useEffect(() => {
    const el = ref.current;
    if (el && el.value !== value) el.value = value;
  }, [value, options]);
  return (
    <vscode-single-select ref={ref} class={cls ? `select ${cls}` : 'select'} aria-label={label} title={label} disabled={disabled}>
      {options.map((o) => (
        <vscode-option key={o.value} value={o.value} selected={o.value === value}>
          {o.label}
        </vscode-option>
      ))}
    </vscode-single-select>
  );
}

export const Select = memo(SelectImpl, sameSelectProps);
