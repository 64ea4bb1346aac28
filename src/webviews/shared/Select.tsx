/**
 * A compact `vscode-single-select` (from @vscode-elements/elements; only the components used are imported).
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { JSX } from 'preact';
import { memo } from 'preact/compat';
import { useEffect, useRef } from 'preact/hooks';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'vscode-single-select': HTMLAttributes<HTMLElement> & { value?: string; disabled?: boolean };
      'vscode-option': HTMLAttributes<HTMLElement> & { value?: string; selected?: boolean; description?: string };
    }
  }
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

interface SelectProps {
  readonly value: string;
  readonly options: readonly SelectOption[];
  readonly onChange: (value: string) => void;
  readonly label: string;
  readonly class?: string;
  readonly disabled?: boolean;
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

export const Select = memo(SelectImpl, (a, b) => a.value === b.value && a.label === b.label && a.class === b.class && a.disabled === b.disabled && sameOptions(a.options, b.options));

function sameOptions(a: readonly SelectOption[], b: readonly SelectOption[]): boolean {
  return a === b || (a.length === b.length && a.every((o, i) => o.value === b[i]!.value && o.label === b[i]!.label));
}
