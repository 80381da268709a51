/** The window's fleet tools (the card bench, restore, save a card) beside the steps, and the top bar's ways in. */
import { useEffect, useRef } from 'react';
import { historyStore, toolStore, useHistory, useTool } from '../../stores';
import { BackupView } from './backup-view';
import { BenchBadge, BenchView } from './bench-view';
import { RestoreView } from './restore-view';
import type { FleetTool } from './tool-store';
import './fleet.css';

const titles: Record<FleetTool, string> = { bench: 'Card bench', restore: 'Restore a card', backup: 'Save a card as an image' };

function ToolBody({ tool }: { tool: FleetTool }) {
  if (tool === 'bench') return <BenchView />;
  if (tool === 'restore') return <RestoreView />;
  return <BackupView />;
}

export function FleetToolView({ tool }: { tool: FleetTool }) {
  // Opened from the top bar, the keyboard goes to the tool, as it does to a step's heading: else
  // it stays on the top-bar button and the next Tab starts from there.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [tool]);
  return (
    <main className="panel fleet-tool" aria-labelledby="tool-title" data-testid={`tool-${tool}`}>
      <header className="panel-header">
        <h1 id="tool-title" tabIndex={-1} ref={heading}>{titles[tool]}</h1>
      </header>
      <div className="panel-body"><ToolBody tool={tool} /></div>
      <footer className="panel-actions">
        <button type="button" className="button" onClick={() => toolStore.getState().open(null)} data-testid="tool-close">Back to writing</button>
      </footer>
    </main>
  );
}

/** Opens a tool, over History too; pressed again while shown, it closes. */
function openTool(tool: FleetTool, shown: FleetTool | null): void {
  historyStore.getState().hide();
  toolStore.getState().open(shown === tool ? null : tool);
}

export function FleetToolButtons() {
  const current = useTool((s) => s.tool);
  // History is drawn over a tool: the tool's button is not pressed then, and pressing it shows the tool.
  const historyOpen = useHistory((s) => s.open);
  const shown = historyOpen ? null : current;
  return (
    <>
      <BenchBadge onOpen={() => openTool('bench', null)} />
      {(['bench', 'restore', 'backup'] as const).map((tool) => (
        <button key={tool} type="button" className="top-bar-button" aria-pressed={shown === tool} onClick={() => openTool(tool, shown)} data-testid={`tool-open-${tool}`}>
          {titles[tool]}
        </button>
      ))}
    </>
  );
}
