/**
 * Most legs an aggregate has: its setting is refused past it (src/core/aggregate), and the page refuses a message with
 * more (src/shared/protocol), so the two read this one number.
 */
export const MAX_LEGS = 16;
