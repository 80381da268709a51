/** Which fleet tool fills the window instead of the steps: the card bench, restore, saving a card, or none. */
import { createStore } from 'zustand/vanilla';

export type FleetTool = 'bench' | 'restore' | 'backup';

export interface ToolState {
  tool: FleetTool | null;
  open(tool: FleetTool | null): void;
}

export function createToolStore() {
  return createStore<ToolState>()((set) => ({
    tool: null,
    open: (tool) => set({ tool }),
  }));
}
