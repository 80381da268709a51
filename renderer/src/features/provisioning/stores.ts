/** The profile store bound to the app's API, with its hook. */
import { useStore } from 'zustand';
import { api } from '../../api';
import { createProfileStore, type ProfileState } from '../../stores/profile';

export const profileStore = createProfileStore(api);

export const useProfile = <T>(select: (state: ProfileState) => T): T => useStore(profileStore, select);
