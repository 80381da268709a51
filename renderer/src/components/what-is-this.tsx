/**
 * "What is this?" beside a term the app cannot avoid: a small "?" button that shows the term's
 * one line from the glossary (shared/glossary.ts) under it, and hides it when pressed again.
 * A button rather than a tooltip, so the keyboard and a touch screen reach it too.
 */
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { glossary, type GlossaryTerm } from '../../../shared/glossary';

/** Room kept between the line and the window's edge. */
const EDGE_PX = 8;

export function WhatIsThis({ term }: { term: GlossaryTerm }) {
  const [open, setOpen] = useState(false);
  // A "?" near the window's right edge opens its line leftwards, or the line runs off the window.
  const [leftwards, setLeftwards] = useState(false);
  const text = useRef<HTMLSpanElement>(null);
  const id = useId();
  const entry = glossary[term];
  useLayoutEffect(() => {
    const line = text.current;
    const anchor = line?.parentElement?.getBoundingClientRect();
    setLeftwards(open && line !== null && anchor !== undefined && anchor.left + line.offsetWidth > window.innerWidth - EDGE_PX);
  }, [open]);
  return (
    <span className="what-is-this">
      <button type="button" className="what-is-this-button" aria-expanded={open} aria-controls={id} aria-label={`What is “${entry.term}”?`} onClick={() => setOpen(!open)} data-testid={`what-is-${term}`}>
        ?
      </button>
      <span id={id} ref={text} className={`what-is-this-text${leftwards ? ' leftwards' : ''}`} role="note" hidden={!open} data-testid={`what-is-${term}-text`}>
        {entry.line}
      </span>
    </span>
  );
}
