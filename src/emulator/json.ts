/** The JSON values the emulator sends. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
