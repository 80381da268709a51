/** Step one of the catalog: which board the card is for, as cards with what a user needs to know. */
import type { Board } from '../../../../shared/domain/board';
import { catalogStore, useCatalog } from '../../stores';

const supportWords: Record<Board['support'], string> = {
  supported: 'Supported by Fedora',
  'needs-firmware': 'Needs its own U-Boot first',
  unsupported: 'Not supported by Fedora',
};

export function BoardPicker() {
  const boards = useCatalog((s) => s.boards);
  return (
    <ul className="board-grid" aria-label="Boards" data-testid="board-list">
      {boards.map((board) => (
        <li key={board.id}>
          <button
            type="button"
            className={`board-card board-${board.support}`}
            onClick={() => catalogStore.getState().chooseBoard(board.id)}
            disabled={board.support === 'unsupported'}
            aria-describedby={`board-notes-${board.id}`}
            data-testid="board-card"
            data-board={board.id}
          >
            <strong className="board-name">{board.name}</strong>
            <span className="board-meta">
              <span className="badge">{board.arch}</span>
              <span className={`badge support-${board.support}`}>{supportWords[board.support]}</span>
            </span>
            <span id={`board-notes-${board.id}`} className="board-note">{board.notes[0]}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
