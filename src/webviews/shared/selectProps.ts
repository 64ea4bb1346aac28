/** The toolbar select's props and when it is drawn again (Select.tsx, which needs a browser; this is pure). */

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export interface SelectProps {
  readonly value: string;
  readonly options: readonly SelectOption[];
  readonly onChange: (value: string) => void;
  readonly label: string;
  readonly class?: string;
  readonly disabled?: boolean;
}

/**
 * Whether a select would be drawn the same: its options compared by content (a page builds them on each render), its
 * onChange by identity: a select not drawn again keeps the one it was drawn with, and the tape's post the whole filter
 * (a choice in one select put back the other's old value). A page keeps its onChange stable (useCallback).
 */
export function sameSelectProps(a: SelectProps, b: SelectProps): boolean {
  return a.onChange === b.onChange && a.value === b.value && a.label === b.label && a.class === b.class && a.disabled === b.disabled && sameOptions(a.options, b.options);
}

function sameOptions(a: readonly SelectOption[], b: readonly SelectOption[]): boolean {
  return a === b || (a.length === b.length && a.every((o, i) => o.value === b[i]?.value && o.label === b[i]?.label));
}
