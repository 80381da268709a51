import { z } from 'zod';

/**
 * The largest `{n}` a card may get. Past 2^53 a JavaScript number stops counting by ones, so two
 * cards could get the same name; nine digits are far below that and more cards than any fleet
 * has, and a typo such as 9007199254740991 is refused instead of wrapping.
 */
export const COUNTER_MAX = 999_999_999;

/** A value of `{n}`: a whole number from 0 to COUNTER_MAX. */
export const counterValueSchema = z.number().int().nonnegative().max(COUNTER_MAX);
