/**
 * Whether a written device came up: one line per card on the result screen ("greenhouse came up
 * at 10:32 on 192.168.1.57: ssh maya@192.168.1.57"), and a badge on a station-mode tile.
 */
import { checkinLine, notCalledInWords, type CardCheckin } from '../../../../shared/domain/checkin';
import { headingWord } from '../../../../shared/domain/medium-words';
import { useCheckin } from '../../stores';
import { checkinOf } from './checkin-store';
import './checkin.css';

const badgeWords: Record<CardCheckin['state'], (c: CardCheckin) => string> = {
  // Not a wait that may never end: what is known (the card may be out of its reader, the bench off).
  awaiting: (c) => headingWord(notCalledInWords(c).short),
  'came-up': () => 'Came up',
  silent: (c) => `Not heard from after ${c.waitMinutes} minutes`,
};

export function CameUpLines({ jobId, devices }: { jobId: string; devices: string[] }) {
  const cards = useCheckin((s) => s.cards);
  const mine = devices.map((device) => checkinOf(cards, jobId, device)).filter((card) => card !== undefined);
  if (mine.length === 0) return null;
  return (
    <ul className="plain-list checkin-lines" aria-label="Which devices came up" aria-live="polite">
      {mine.map((card) => (
        <li key={card.card} data-testid="checkin-line" data-device={card.device} data-state={card.state}>{checkinLine(card)}</li>
      ))}
    </ul>
  );
}

export function CameUpBadge({ jobId, device }: { jobId: string | undefined; device: string }) {
  const card = useCheckin((s) => checkinOf(s.cards, jobId, device));
  if (!card) return null;
  return <span className={`checkin-badge checkin-${card.state}`} data-testid="checkin-badge" data-state={card.state} title={checkinLine(card)}>{badgeWords[card.state](card)}</span>;
}
