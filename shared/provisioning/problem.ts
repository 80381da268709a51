/**
 * A problem found in a profile or an Ignition config. `field` is the dotted path a form or a
 * flag maps back to (e.g. `users.0.sshAuthorizedKeys.1`); `message` names it for a person.
 */
export interface Problem {
  field: string;
  message: string;
}

export function problem(field: string, text: string): Problem {
  return { field, message: `${field}: ${text}` };
}
