/**
 * "What is this?" beside a term the app cannot avoid: a small "?" button that shows the term's
 * one line from the glossary (shared/glossary.ts) under it, and hides it when pressed again.
 * A button rather than a tooltip, so the keyboard and a touch screen reach it too.
 */
import { useId, useState } from 'react';
import { glossary, type GlossaryTerm } from '../../../shared/glossary';

export function WhatIsThis({ term }: { term: GlossaryTerm }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const entry = glossary[term];
  return (
    <span className="what-is-this">
      <button type="button" className="what-is-this-button" aria-expanded={open} aria-controls={id} aria-label={`What is “${entry.term}”?`} onClick={() => setOpen(!open)} data-testid={`what-is-${term}`}>
        ?
      </button>
      <span id={id} className="what-is-this-text" role="note" hidden={!open} data-testid={`what-is-${term}-text`}>
        {entry.line}
      </span>
    </span>
  );
}
