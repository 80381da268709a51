interface PathFieldProps {
  id: string;
  /** Read by screen readers (and the tests); the field itself shows only its placeholder. */
  label: string;
  /**
   * An example, starting "e.g." and with "…" where a folder would be: a placeholder that looks
   * like a real path (/home/me/…) is read as one already filled in.
   */
  placeholder: string;
  value: string;
  onChange(value: string): void;
  testId: string;
}

/** A one-line field for a file or device path: monospace, no spell checking, no autocomplete. */
export function PathField({ id, label, placeholder, value, onChange, testId }: PathFieldProps) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input mono"
        type="text"
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        spellCheck={false}
        autoComplete="off"
        data-testid={testId}
      />
    </>
  );
}
