/** The build store bound to the real API, handing finished images to the image store. */
import { useStore } from 'zustand';
import { api } from '../../api';
import { imageStore } from '../../stores';
import { createBuildStore, type BuildState } from './build-store';

export const buildStore = createBuildStore(api, (path) => imageStore.getState().choose(path));

export const useBuild = <T>(select: (state: BuildState) => T): T => useStore(buildStore, select);
