/**
 * One labelled form field with its problem beside it. Problems come from the core's check of the
 * whole profile, so a field shows exactly what would stop the write.
 */
import { useId, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Problem } from '../../../../shared/provisioning';
import { fieldOf, formMessage, type ProfileForm } from './profile-form';
import { profileStore, useProfile } from '../../stores';

/** The messages for one form field. */
export function useFieldProblems(name: keyof ProfileForm | 'profile'): string[] {
  return useProfile(useShallow((s) => (s.preview?.problems ?? []).filter((p: Problem) => fieldOf(p) === name).map(formMessage)));
}

interface TextFieldProps {
  name: keyof ProfileForm;
  label: string;
  hint?: ReactNode;
  placeholder?: string;
  type?: 'text' | 'password' | 'url';
  multiline?: boolean;
  mono?: boolean;
  /** Said in neutral words instead of the field's problems while it is empty (a value the app did not keep). */
  emptyNote?: string;
  /** Shown under the problems: a one-click way to mend them. */
  fix?: ReactNode;
}

/**
 * Show or hide a secret being typed: a typo in a hidden password or passphrase is found only when
 * the card cannot log in or join the network. aria-pressed tells a screen reader the state.
 */
export function RevealButton({ shown, onToggle, what, testId }: { shown: boolean; onToggle(): void; what: string; testId: string }) {
  return (
    <button type="button" className="button small" aria-pressed={shown} aria-label={`Show ${what}`} onClick={onToggle} data-testid={testId}>
      {shown ? 'Hide' : 'Show'}
    </button>
  );
}

export function TextField({ name, label, hint, placeholder, type = 'text', multiline, mono, emptyNote, fix }: TextFieldProps) {
  const id = useId();
  const value = useProfile((s) => s.form[name]);
  const found = useFieldProblems(name);
  const note = emptyNote && value === '' ? emptyNote : null;
  const problems = note ? [] : found;
  const describedBy = `${id}-hint ${id}-error`;
  const [shown, setShown] = useState(false);
  const onChange = (text: string) => profileStore.getState().update({ [name]: text } as Partial<ProfileForm>);
  const common = {
    id,
    value: String(value),
    placeholder,
    'aria-invalid': problems.length > 0,
    'aria-describedby': describedBy,
    'data-testid': `profile-${name}`,
    className: mono ? 'mono' : undefined,
  };
  return (
    <div className={`field${problems.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={3} spellCheck={false} onChange={(e) => onChange(e.target.value)} />
      ) : type === 'password' ? (
        <div className="row">
          <input {...common} type={shown ? 'text' : 'password'} spellCheck={false} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
          <RevealButton shown={shown} onToggle={() => setShown(!shown)} what={label.toLowerCase()} testId={`profile-${name}-show`} />
        </div>
      ) : (
        <input {...common} type={type} spellCheck={false} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
      )}
      {hint && <p id={`${id}-hint`} className="field-hint">{hint}</p>}
      {note && <p id={`${id}-error`} className="field-note" data-testid={`profile-note-${name}`}>{note}</p>}
      <FieldErrors id={`${id}-error`} messages={problems} field={name} />
      {problems.length > 0 && fix}
    </div>
  );
}

export function FieldErrors({ id, messages, field }: { id?: string; messages: string[]; field: string }) {
  if (!messages.length) return null;
  return (
    <ul id={id} className="field-errors" role="alert" data-testid={`profile-error-${field}`}>
      {messages.map((message) => <li key={message}>{message}</li>)}
    </ul>
  );
}
