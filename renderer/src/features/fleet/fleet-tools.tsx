/** The window's fleet tools (station mode, restore) beside the steps, and the top bar's ways in. */
import { historyStore, toolStore, useTool } from '../../stores';
import { BenchView } from './bench-view';
import { RestoreView } from './restore-view';
import type { FleetTool } from './tool-store';
import './fleet.css';

const titles: Record<FleetTool, string> = { bench: 'Station mode', restore: 'Restore a card' };

export function FleetToolView({ tool }: { tool: FleetTool }) {
  return (
    <main className="panel fleet-tool" aria-labelledby="tool-title" data-testid={`tool-${tool}`}>
      <header className="panel-header">
        <h1 id="tool-title">{titles[tool]}</h1>
      </header>
      <div className="panel-body">{tool === 'bench' ? <BenchView /> : <RestoreView />}</div>
      <footer className="panel-actions">
        <button type="button" className="button" onClick={() => toolStore.getState().open(null)} data-testid="tool-close">Back to writing</button>
      </footer>
    </main>
  );
}

export function FleetToolButtons() {
  const current = useTool((s) => s.tool);
  const toggle = (tool: FleetTool) => {
    historyStore.getState().hide();
    toolStore.getState().open(current === tool ? null : tool);
  };
  return (
    <>
      {(['bench', 'restore'] as const).map((tool) => (
        <button key={tool} type="button" className="top-bar-button" aria-pressed={current === tool} onClick={() => toggle(tool)} data-testid={`tool-open-${tool}`}>
          {titles[tool]}
        </button>
      ))}
    </>
  );
}
