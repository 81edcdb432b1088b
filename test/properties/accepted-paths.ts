/**
 * The check every mechanism's accepted paths (the vectors' `accepted` case of each kind) must
 * pass: run on the model, every step is accepted and the last one is of its kind.
 * @module
 */
import { expect, it } from 'vitest';
import type { SyncSystemUnderTest } from '../../model/platform/index.js';
import { propertyModel } from '../../properties/property.js';
import { runSync, type Calls } from '../../properties/sut-calls.js';

/** One `it` per kind of `kinds`: its path from `paths` ends in an accepted call of it, every step accepted. */
export function itAcceptsEachPath(kinds: readonly string[], paths: Readonly<Partial<Record<string, () => Calls<unknown>>>>): void {
  it.each(kinds)('the accepted path of %s ends in an accepted call of it, every step accepted', (kind) => {
    const model = propertyModel();
    const seen: { kind: unknown; ok: boolean }[] = [];
    const path = paths[kind];
    if (path === undefined) throw new Error(`no accepted path for ${kind}`);
    const wrapped: SyncSystemUnderTest = {
      name: model.name,
      reset: (c) => model.reset(c),
      observe: (p) => model.observe(p),
      apply(a) {
        const o = model.apply(a);
        seen.push({ kind: (a as { kind?: unknown }).kind, ok: o.kind === 'accepted' });
        return o;
      },
    };
    runSync(path(), wrapped);
    expect(seen.every((s) => s.ok)).toBe(true);
    expect(seen.at(-1)?.kind).toBe(kind);
  });
}
