/**
 * "Printable sheet": the batch shown as it prints, over the whole window, with the browser's own
 * print dialog one click away (window.print). Two layouts from the same cards: the A4 sheet (one
 * line and a QR code per card) and a label page for a 62 mm label printer (one 62 x 29 mm label
 * per card written to the end). Only this view prints: the rest of the app is hidden from print.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { batchOf, imageLabel, type HistoryEntry } from '../../../../shared/domain/history';
import { LONG_COLUMNS, qrDataUrl, sheetCard, sheetColumns, sheetTitle, wantsLabel, type SheetCard } from '../../../../shared/batch-sheet';
import { historyStore } from '../../stores';

type Layout = 'sheet' | 'labels';

function QrImage({ card, className }: { card: SheetCard; className: string }) {
  return <img className={className} src={qrDataUrl(card.qrText)} alt={`QR code: ${card.qrText.replace(/\n/g, ', ')}`} />;
}

function Sheet({ batch, cards }: { batch: HistoryEntry[]; cards: SheetCard[] }) {
  const first = batch[0]!;
  // The same columns as the exported sheet: old data and check-in where the batch recorded them.
  const columns = sheetColumns(cards);
  return (
    <section className="print-sheet" data-testid="print-sheet">
      <h1>{sheetTitle(batch)}</h1>
      <p>
        Image: <code>{imageLabel(first.source.given)}</code>
        {first.source.sha256 && <>, sha256 <code>{first.source.sha256}</code></>}. {first.batchId ? 'Card bench batch' : 'Job'} <code>{batchOf(first)}</code>.
      </p>
      <table>
        <thead>
          <tr>{columns.map(([key, heading]) => <th key={key}>{heading}</th>)}<th>QR</th></tr>
        </thead>
        <tbody>
          {cards.map((card) => (
            <tr key={card.card} className={`print-${card.result}`} data-testid="print-row">
              {columns.map(([key]) => <td key={key} className={LONG_COLUMNS.has(key) ? 'print-long' : undefined}>{String(card[key])}</td>)}
              <td className="print-qr-cell"><QrImage card={card} className="print-qr" /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Labels({ cards }: { cards: SheetCard[] }) {
  const labelled = cards.filter(wantsLabel);
  if (labelled.length === 0) return <p>No card of this batch was written to the end: there is nothing to label.</p>;
  return (
    <>
      {labelled.map((card) => (
        <section key={card.card} className="print-label" data-testid="print-label">
          <QrImage card={card} className="print-label-qr" />
          <div className="print-label-text">
            <div className="print-label-host">{card.hostname || card.device}</div>
            {card.ip && <div>{card.ip}</div>}
            {card.serial && <div>serial {card.serial}</div>}
            {(card.rowWords || card.label) && <div>{[card.rowWords, card.label].filter(Boolean).join(' · ')}</div>}
          </div>
        </section>
      ))}
    </>
  );
}

/** The keyboard goes into the view when it opens, on Print… (Close gives it back: see BatchExport). */
function useDialogFocus(): RefObject<HTMLButtonElement | null> {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return first;
}

export function BatchPrintView({ batch }: { batch: HistoryEntry[] }) {
  const [layout, setLayout] = useState<Layout>('sheet');
  const printButton = useDialogFocus();
  const cards = batch.map(sheetCard);
  return createPortal(
    <div className={`print-view print-view-${layout}`} role="dialog" aria-modal="true" aria-label="Printable sheet" data-testid="print-view" data-layout={layout}>
      <div className="print-toolbar">
        <div role="group" aria-label="Layout">
          <button type="button" className="button" aria-pressed={layout === 'sheet'} onClick={() => setLayout('sheet')} data-testid="print-layout-sheet">A4 sheet</button>
          <button type="button" className="button" aria-pressed={layout === 'labels'} onClick={() => setLayout('labels')} data-testid="print-layout-labels">62 mm labels</button>
        </div>
        <span className="spacer" />
        <button type="button" className="button primary" ref={printButton} onClick={() => window.print()} data-testid="print-now">Print…</button>
        <button type="button" className="button" onClick={() => historyStore.getState().closePrint()} data-testid="print-close">Close</button>
      </div>
      <div className="print-pages">{layout === 'sheet' ? <Sheet batch={batch} cards={cards} /> : <Labels cards={cards} />}</div>
    </div>,
    document.body,
  );
}
