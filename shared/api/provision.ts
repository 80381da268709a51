import { z } from 'zod';
import { counterValueSchema, PASSWORD_MAX_BYTES, passwordBytes, passwordTooLongMessage, profileNameSchema, profileSchema, savedProfileSchema } from '../provisioning';
import { defineRequests } from './define';

const problemSchema = z.object({ field: z.string(), message: z.string() });

export const provisionRequests = defineRequests({
  /**
   * The exact config card `counterStart` would get, with every problem as data (field + message)
   * so the form can mark the fields; `profile` is unchecked input on purpose.
   */
  'provision:preview': {
    args: z.object({ profile: z.unknown(), counterStart: counterValueSchema.default(1), count: z.number().int().min(1).max(50).default(3) }),
    result: z.object({
      problems: z.array(problemSchema),
      mode: z.enum(['config', 'url', 'zezere']).nullable(),
      /** The bytes of ignition/config.ign for card counterStart (config mode). */
      configText: z.string().nullable(),
      url: z.string().nullable(),
      /** What goes on the options line of the card's boot entries (config mode). */
      kernelArguments: z.array(z.string()).optional(),
      /** The names of the next `count` cards. */
      hostnames: z.array(z.string()),
    }),
  },
  /**
   * Turns a typed password into a sha512-crypt hash at once; only the hash is ever kept. Bounded
   * to what Fedora's login can check (PASSWORD_MAX_BYTES), which also bounds the hashing's work.
   */
  'provision:hash-password': {
    args: z.object({
      password: z.string().min(1).max(PASSWORD_MAX_BYTES, passwordTooLongMessage)
        .refine((password) => passwordBytes(password) <= PASSWORD_MAX_BYTES, passwordTooLongMessage),
    }),
    result: z.object({ hash: z.string() }),
  },
  /** Provisions a card or image file that already holds a Fedora IoT image. */
  'provision:apply': {
    args: z.object({ target: z.string().min(1), profile: z.unknown(), counterStart: counterValueSchema.default(1) }),
    result: z.object({ target: z.string(), mode: z.enum(['config', 'url', 'zezere']), hostname: z.string().optional(), changedBytes: z.number().nonnegative() }),
  },
  'profiles:list': { args: z.object({}), result: z.object({ profiles: z.array(savedProfileSchema) }) },
  'profiles:save': { args: z.object({ name: profileNameSchema, profile: profileSchema }), result: z.object({ saved: savedProfileSchema }) },
  'profiles:delete': { args: z.object({ name: z.string().min(1) }), result: z.object({ deleted: z.boolean() }) },
  /** The text of an exported profile file (the renderer reads the file the person picked). */
  'profiles:import': { args: z.object({ text: z.string().min(1).max(1 << 20) }), result: z.object({ saved: savedProfileSchema }) },
  'profiles:export': { args: z.object({ name: z.string().min(1) }), result: z.object({ fileName: z.string(), text: z.string() }) },
});
