/** An amount in a column lined up on its decimal point (amountColumn.ts): the room of what it does not show kept hidden. */
import type { ColumnAmount } from './amountColumn';

export function Amount({ amount }: { amount: ColumnAmount }) {
  return (
    <>
      {amount.lead && (
        <span class="num-room" aria-hidden="true">
          {amount.lead}
        </span>
      )}
      {amount.text}
      {amount.trail && (
        <span class="num-room" aria-hidden="true">
          {amount.trail}
        </span>
      )}
    </>
  );
}
