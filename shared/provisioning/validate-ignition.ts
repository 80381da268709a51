/**
 * Our own check of an Ignition config, run before anything is written to a card: the mistakes
 * that make Ignition fail the first boot (and leave a card that boots to an emergency shell).
 * Debian's ignition-validate is stricter still; tests run both.
 */
import { problem, type Problem } from './problem';

/** Stable spec versions Ignition reads (3.3.0 is what we generate). */
export const KNOWN_SPEC_VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0'];
const TOP_LEVEL = ['ignition', 'kernelArguments', 'passwd', 'storage', 'systemd'];
const SOURCE_SCHEMES = ['data:', 'http:', 'https:', 'tftp:', 's3:', 'gs:', 'arn:'];
const UNIT_SUFFIX = /\.(service|socket|timer|path|mount|automount|target|swap|slice|scope|device)$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function sourceProblems(source: unknown, field: string): Problem[] {
  if (source === undefined || source === null) return [];
  if (typeof source !== 'string') return [problem(field, 'must be a URL string')];
  if (!SOURCE_SCHEMES.some((scheme) => source.startsWith(scheme))) {
    return [problem(field, `“${source.slice(0, 60)}” is not a URL Ignition can fetch (data:, http(s):, tftp:, s3:, gs:)`)];
  }
  if (source.startsWith('data:') && !source.includes(',')) return [problem(field, 'is a data: URL without a comma')];
  return [];
}

function listOf(parent: Json, key: string, field: string, problems: Problem[]): Json[] {
  const value = parent[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObject)) {
    problems.push(problem(field, 'must be a list of objects'));
    return [];
  }
  return value;
}

function checkNode(node: Json, field: string, problems: Problem[], withMode: boolean): void {
  const path = node.path;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    problems.push(problem(`${field}.path`, `${JSON.stringify(path ?? null)} must be an absolute path such as /etc/motd`));
  }
  if (withMode && node.mode !== undefined && node.mode !== null) {
    const mode = node.mode;
    if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      problems.push(problem(`${field}.mode`, `${JSON.stringify(mode)} is not a file mode (decimal, e.g. 420 for 0644)`));
    }
  }
}

function checkIgnitionSection(config: Json, problems: Problem[]): void {
  const ignition = config.ignition;
  if (!isObject(ignition)) {
    problems.push(problem('ignition.version', 'is missing (a config starts with {"ignition":{"version":"3.3.0"}})'));
    return;
  }
  if (!KNOWN_SPEC_VERSIONS.includes(String(ignition.version))) {
    problems.push(problem('ignition.version', `${JSON.stringify(ignition.version ?? null)} is not a spec version Ignition reads (${KNOWN_SPEC_VERSIONS.join(', ')})`));
  }
  const cfg = ignition.config;
  if (cfg === undefined) return;
  if (!isObject(cfg)) {
    problems.push(problem('ignition.config', 'must be an object'));
    return;
  }
  listOf(cfg, 'merge', 'ignition.config.merge', problems).forEach((ref, i) =>
    problems.push(...sourceProblems(ref.source, `ignition.config.merge.${i}.source`)),
  );
  if (cfg.replace !== undefined) {
    if (!isObject(cfg.replace)) problems.push(problem('ignition.config.replace', 'must be an object'));
    else problems.push(...sourceProblems(cfg.replace.source, 'ignition.config.replace.source'));
  }
}

function checkStorage(storage: unknown, problems: Problem[]): void {
  if (storage === undefined) return;
  if (!isObject(storage)) {
    problems.push(problem('storage', 'must be an object'));
    return;
  }
  listOf(storage, 'files', 'storage.files', problems).forEach((file, i) => {
    checkNode(file, `storage.files.${i}`, problems, true);
    if (isObject(file.contents)) problems.push(...sourceProblems(file.contents.source, `storage.files.${i}.contents.source`));
    listOf(file, 'append', `storage.files.${i}.append`, problems).forEach((part, j) =>
      problems.push(...sourceProblems(part.source, `storage.files.${i}.append.${j}.source`)),
    );
  });
  listOf(storage, 'directories', 'storage.directories', problems).forEach((dir, i) => checkNode(dir, `storage.directories.${i}`, problems, true));
  listOf(storage, 'links', 'storage.links', problems).forEach((link, i) => {
    checkNode(link, `storage.links.${i}`, problems, false);
    if (typeof link.target !== 'string' || link.target.length === 0) problems.push(problem(`storage.links.${i}.target`, 'is missing'));
  });
}

function checkPasswd(passwd: unknown, problems: Problem[]): void {
  if (passwd === undefined) return;
  if (!isObject(passwd)) {
    problems.push(problem('passwd', 'must be an object'));
    return;
  }
  listOf(passwd, 'users', 'passwd.users', problems).forEach((user, i) => {
    if (typeof user.name !== 'string' || user.name.length === 0) problems.push(problem(`passwd.users.${i}.name`, 'is missing: every user needs a name'));
    const keys = user.sshAuthorizedKeys;
    if (keys !== undefined && !(Array.isArray(keys) && keys.every((k) => typeof k === 'string'))) {
      problems.push(problem(`passwd.users.${i}.sshAuthorizedKeys`, 'must be a list of key strings'));
    }
  });
  listOf(passwd, 'groups', 'passwd.groups', problems).forEach((group, i) => {
    if (typeof group.name !== 'string' || group.name.length === 0) problems.push(problem(`passwd.groups.${i}.name`, 'is missing: every group needs a name'));
  });
}

function checkSystemd(systemd: unknown, problems: Problem[]): void {
  if (systemd === undefined) return;
  if (!isObject(systemd)) {
    problems.push(problem('systemd', 'must be an object'));
    return;
  }
  listOf(systemd, 'units', 'systemd.units', problems).forEach((unit, i) => {
    if (typeof unit.name !== 'string' || !UNIT_SUFFIX.test(unit.name) || unit.name.includes('/')) {
      problems.push(problem(`systemd.units.${i}.name`, `${JSON.stringify(unit.name ?? null)} is not a unit name such as hello.service`));
    }
    listOf(unit, 'dropins', `systemd.units.${i}.dropins`, problems).forEach((dropin, j) => {
      if (typeof dropin.name !== 'string' || !dropin.name.endsWith('.conf')) {
        problems.push(problem(`systemd.units.${i}.dropins.${j}.name`, 'must end in .conf'));
      }
    });
  });
}

/**
 * Ignition applies kernelArguments through the distribution's ignition-kargs-helper; Fedora IoT
 * has none (upstream's stub exits 1), so such a config stops the first boot in the emergency shell.
 */
function checkKernelArguments(kargs: unknown, problems: Problem[]): void {
  if (kargs === undefined) return;
  const lists = isObject(kargs) ? [kargs.shouldExist, kargs.shouldNotExist] : [kargs];
  if (lists.some((list) => list !== undefined && !(Array.isArray(list) && list.length === 0))) {
    problems.push(problem('kernelArguments', 'cannot be applied on Fedora IoT (it has no ignition-kargs-helper, so the first boot would stop in an emergency shell); give them as kernel arguments in the first-boot settings (--kernel-arg), which are written on the card’s boot entries'));
  }
}

/** Every problem found; an empty list means the config may be written. */
export function validateIgnition(config: unknown): Problem[] {
  if (!isObject(config)) return [problem('config', 'must be a JSON object')];
  const problems: Problem[] = [];
  for (const key of Object.keys(config)) {
    if (!TOP_LEVEL.includes(key)) problems.push(problem(key, `is not an Ignition section (${TOP_LEVEL.join(', ')})`));
  }
  checkIgnitionSection(config, problems);
  checkKernelArguments(config.kernelArguments, problems);
  checkStorage(config.storage, problems);
  checkPasswd(config.passwd, problems);
  checkSystemd(config.systemd, problems);
  return problems;
}

/** Parses the text of a user's config and validates it; problems name `field` first. */
export function parseIgnitionText(text: string, field: string): { config?: Json; problems: Problem[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problems: [problem(field, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`)] };
  }
  const problems = validateIgnition(parsed).map((p) => ({ field: `${field}.${p.field}`, message: `${field}: ${p.message}` }));
  return problems.length ? { problems } : { config: parsed as Json, problems };
}
