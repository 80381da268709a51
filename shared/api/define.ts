import type { z } from 'zod';

/** One request channel: the schema its arguments are validated against, and the schema of its result. */
export interface RequestSpec<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  args: A;
  result: R;
}

/** Keeps literal channel names and schema types while checking the shape. */
export function defineRequests<T extends Record<`${string}:${string}`, RequestSpec>>(requests: T): T {
  return requests;
}

export function defineEvents<T extends Record<`${string}:${string}`, z.ZodType>>(events: T): T {
  return events;
}
