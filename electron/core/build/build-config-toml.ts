/**
 * The bootc-image-builder config (a blueprint, mounted at /config.toml): users, kernel arguments
 * and the Ignition first-boot setting. We write the small TOML subset it needs ourselves: a handful
 * of fixed keys with string and string-array values, where the only risk is escaping, handled here.
 */
import { FiotError } from '../../../shared/errors';
import { buildCustomizationsSchema, type BuildCustomizations } from '../../../shared/domain/build';

/** A TOML basic string: quotes, backslashes and every control character escaped. */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function tomlStringArray(values: string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}

/** True when there is nothing to customize, so no config needs to be mounted at all. */
export function isEmptyCustomization(input: BuildCustomizations): boolean {
  const c = buildCustomizationsSchema.parse(input);
  return c.users.length === 0 && !c.kernelAppend && !c.ignitionConfig && !c.ignitionUrl;
}

export function buildConfigToml(input: BuildCustomizations): string {
  const parsed = buildCustomizationsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FiotError('INVALID_INPUT', `Build settings: ${issue?.path.join('.') || 'customizations'}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  if (c.ignitionConfig && c.ignitionUrl) {
    // The builder refuses both at once ("customizations.ignition.embedded cannot be used with ...firstboot").
    throw new FiotError('INVALID_INPUT', 'A built image takes either an embedded Ignition config or an Ignition URL, not both.', 'Keep one: the profile’s config (it can merge the URL) or the URL alone.');
  }
  const lines: string[] = ['# Written by Fedora IoT Flasher for bootc-image-builder.'];
  for (const user of c.users) {
    lines.push('', '[[customizations.user]]', `name = ${tomlString(user.name)}`);
    // An already hashed password is kept as it is by the builder; we never hold a plain one.
    if (user.passwordHash) lines.push(`password = ${tomlString(user.passwordHash)}`);
    // The builder takes one `key` string and writes it to authorized_keys, so several keys are lines of it.
    if (user.sshAuthorizedKeys.length) lines.push(`key = ${tomlString(user.sshAuthorizedKeys.join('\n'))}`);
    if (user.groups.length) lines.push(`groups = ${tomlStringArray(user.groups)}`);
  }
  if (c.kernelAppend) lines.push('', '[customizations.kernel]', `append = ${tomlString(c.kernelAppend)}`);
  if (c.ignitionConfig) {
    // The blueprint carries the embedded Ignition config base64-encoded.
    const encoded = Buffer.from(JSON.stringify(c.ignitionConfig), 'utf8').toString('base64');
    lines.push('', '[customizations.ignition.embedded]', `config = ${tomlString(encoded)}`);
  } else if (c.ignitionUrl) {
    lines.push('', '[customizations.ignition.firstboot]', `url = ${tomlString(c.ignitionUrl)}`);
  }
  return lines.join('\n') + '\n';
}
