/** The check-in domain over the router: recent cards' check-ins, and the addresses to listen on. */
import type { HandlerFactory } from '../core-context';
import { checkinAddresses } from '../checkin/addresses';

export const checkinHandlers: HandlerFactory = (ctx) => ({
  'checkin:list': async ({ limit }) => ({ cards: await ctx.checkins.list(limit) }),
  'checkin:addresses': async () => checkinAddresses(),
});
