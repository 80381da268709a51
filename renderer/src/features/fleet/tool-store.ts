/** Which fleet tool fills the window instead of the steps: station mode, restore, or none. */
import { createStore } from 'zustand/vanilla';

export type FleetTool = 'bench' | 'restore';

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
