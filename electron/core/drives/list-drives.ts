/** The drives a person can choose from, as drivelist sees them (it does not list loop devices). */
import { list } from 'drivelist';
import type { Drive } from '../../../shared/domain/drive';
import { fromDrivelist, selectDrives } from './map-drive';

export type DriveLister = () => Promise<Drive[]>;

/** Every drive drivelist reports, system drives included and marked. */
export const listAllDrives: DriveLister = async () => (await list()).map(fromDrivelist);

export async function listDrives(options: { all?: boolean } = {}, listAll: DriveLister = listAllDrives): Promise<Drive[]> {
  return selectDrives(await listAll(), options.all ?? false);
}
