/**
 * Helpers over views for black-box properties: a snapshot of everything the parties of a guest
 * see, to say "the rejection left the world as it was" without reading the model's state.
 * @module
 */
import { viewToWire, type View } from '../model/platform/index.js';
import { sut, type Calls } from './sut-calls.js';

/** The canonical JSON of a view (or `null`). */
export function viewText(v: View | null): string {
  return v === null ? 'null' : JSON.stringify(viewToWire(v));
}

/** The hypervisor's view and, for each guest, its own and its owner's view, as one string. */
export function* snapshot(guests: readonly number[]): Calls<string> {
  const parts = [viewText(yield* sut.observe({ kind: 'hypervisor' }))];
  for (const guest of guests) {
    parts.push(viewText(yield* sut.observe({ kind: 'guest', guest })), viewText(yield* sut.observe({ kind: 'owner', guest })));
  }
  return parts.join('\n');
}
