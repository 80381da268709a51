/**
 * The build store bound to the real API: the First boot step's profile goes into the image, and a
 * finished image goes to the image store.
 */
import { useStore } from 'zustand';
import { api } from '../../api';
import { imageStore } from '../../stores';
import { profileStore } from '../provisioning';
import { createBuildStore, type BuildState } from './build-store';

export const buildStore = createBuildStore(
  api,
  (path) => imageStore.getState().choose(path),
  () => {
    const { provisioning, counterStart } = profileStore.getState().flashFields();
    return provisioning ? { profile: provisioning, counterStart } : {};
  },
);

export const useBuild = <T>(select: (state: BuildState) => T): T => useStore(buildStore, select);
