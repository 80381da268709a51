/** Step one of the catalog: which board the card is for, as cards with what a user needs to know. */
import type { Arch, Board } from '../../../../shared/domain/board';
import { catalogStore, useCatalog } from '../../stores';

/** The kind of processor in plain words first, the term second. */
export const archWords: Record<Arch, string> = {
  aarch64: '64-bit Arm (aarch64)',
  x86_64: 'PC processor (x86_64)',
};

/** A "what is this?" for the badge, on hover and for screen readers. */
export const archExplained: Record<Arch, string> = {
  aarch64: 'The kind of processor in Raspberry Pis and most single-board computers; images are built for one kind.',
  x86_64: 'The kind of processor in PCs and laptops (Intel or AMD); images are built for one kind.',
};

const supportWords: Record<Board['support'], string> = {
  supported: 'Supported by Fedora',
  community: 'Community-tested',
  'needs-firmware': 'Needs its own start-up program (U-Boot) first',
  unsupported: 'Not supported by Fedora',
};

/**
 * The chosen board's images replace the cards, and the card just pressed with them: the keyboard
 * goes to the first image offered (the recommended one), else to the search, not to the page.
 */
function chooseAndFocus(boardId: string): void {
  catalogStore.getState().chooseBoard(boardId);
  requestAnimationFrame(() => {
    const first = document.querySelector<HTMLElement>('[data-testid="catalog-entry"]') ?? document.getElementById('catalog-search');
    first?.focus();
  });
}

export function BoardPicker() {
  const boards = useCatalog((s) => s.boards);
  return (
    <ul className="board-grid" aria-label="Boards" data-testid="board-list" data-step-start>
      {boards.map((board) => (
        <li key={board.id}>
          <button
            type="button"
            className={`board-card board-${board.support}`}
            onClick={() => chooseAndFocus(board.id)}
            disabled={board.support === 'unsupported'}
            aria-describedby={`board-notes-${board.id}`}
            data-testid="board-card"
            data-board={board.id}
          >
            <strong className="board-name">{board.name}</strong>
            <span className="board-meta">
              <span className="badge" title={archExplained[board.arch]}>{archWords[board.arch]}</span>
              <span className={`badge support-${board.support}`}>{supportWords[board.support]}</span>
            </span>
            <span id={`board-notes-${board.id}`} className="board-note">{board.notes[0]}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
