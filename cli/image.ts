/** Placeholder replaced by the image commands. */
import type { Io } from './io.js';
export const IMAGE_HELP = '';
export async function imageCommand(_argv: string[], _io: Io): Promise<number> {
  return 2;
}
