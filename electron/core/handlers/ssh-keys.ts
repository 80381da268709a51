/** SSH public keys for the first-boot form: the user's own ~/.ssh/*.pub, or an https keys URL. */
import type { HandlerFactory } from '../core-context';
import { fetchPublicKeys } from '../ssh-keys/fetch-keys';
import { listLocalPublicKeys } from '../ssh-keys/local-keys';

export const sshKeysHandlers: HandlerFactory = (ctx) => ({
  'ssh-keys:local': async () => ({ keys: await listLocalPublicKeys() }),
  'ssh-keys:fetch': async ({ url }) => fetchPublicKeys(url, { publicOnly: ctx.publicFetchesOnly }),
});
