/**
 * The app's settings file (settings.json in the config folder): choices a person makes once for
 * this computer. Today it holds the proxy; every field is optional, unknown fields are kept.
 */
import { z } from 'zod';

export const SETTINGS_FILE = 'settings.json';

const proxyUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address such as http://proxy.example:3128');

export const appSettingsSchema = z
  .object({
    /** The proxy for every request the app makes; it wins over HTTPS_PROXY / HTTP_PROXY. */
    proxy: proxyUrl.optional(),
    /** Hosts reached directly, as NO_PROXY spells them (comma separated, `.example.org` for a domain). */
    noProxy: z.string().optional(),
  })
  .passthrough();

export type AppSettings = z.infer<typeof appSettingsSchema>;
