/** Adds the user's own bootc container (looked up in its registry) to the list for this board. */
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/error-notice';
import { catalogStore, useCatalog } from '../../stores';

export function CustomRef() {
  const [reference, setReference] = useState('');
  const adding = useCatalog((s) => s.adding);
  const error = useCatalog((s) => s.customError);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await catalogStore.getState().addCustom(reference)) setReference('');
  };
  return (
    <details className="advanced">
      <summary>Add your own bootc container…</summary>
      <form className="path-row" onSubmit={(e) => void submit(e)}>
        <label htmlFor="custom-ref" className="visually-hidden">Container reference</label>
        <input id="custom-ref" className="input mono" value={reference} onChange={(e) => setReference(e.target.value)} placeholder="quay.io/you/your-iot:1" spellCheck={false} data-testid="custom-ref" />
        <button type="submit" className="button" disabled={adding || !reference.trim()}>{adding ? 'Looking it up…' : 'Add'}</button>
      </form>
      {error && <ErrorNotice error={error} testId="custom-ref-error" />}
    </details>
  );
}
