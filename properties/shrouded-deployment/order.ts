/**
 * The verdict does not depend on the order of the files (REQ-SHROUD-2): IBM's verifier picks the
 * signing key by its subject, OpenSSL the issuers by name and key identifier and the CRLs by score
 * and lastUpdate, so the honest information and each hostile variant, with certificates and CRLs
 * in any order and given more than once, keep their verdict and failed check.
 * @module
 */
import fc from 'fast-check';
import type { Action } from '../../model/platform/index.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { AT, CONFIG, HONEST, HOSTILE, MACHINE } from './fixtures.js';

const CASES = [{ name: 'honest', info: HONEST, at: AT, failedCheck: null as string | null }, ...HOSTILE.filter((h) => h.failedCheck !== 'signing-key-multiple')];

/** A permutation of `items` by `keys` (one sort key each). */
function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items.map((item, i) => ({ item, k: keys[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.item);
}

export const orderIndependent = defineProperty({
  mechanism: 'shrouded-deployment',
  name: 'verdict-independent-of-order',
  requirements: ['REQ-SHROUD-2'],
  statement: "A host's authentication information keeps its verdict and failed check whatever the order of its certificates and CRLs, and with a CRL given twice.",
  arbitrary: fc.record({ which: fc.nat(CASES.length - 1), certKeys: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), crlKeys: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), twice: fc.nat(2) }),
  *run({ which, certKeys, crlKeys, twice }) {
    const c = CASES[which] ?? CASES[0];
    if (c === undefined) return;
    yield* sut.reset(CONFIG);
    // One CRL given twice (a certificate twice would be a second signing key: another verdict).
    const again = c.info.crls[twice % Math.max(1, c.info.crls.length)];
    const crls = again === undefined ? [...c.info.crls] : [...c.info.crls, again];
    const action: Action = { kind: 'shroud-verify-host', client: 1, machine: MACHINE, hkd: c.info.hkd, certificates: shuffled(c.info.certificates, certKeys), crls: shuffled(crls, crlKeys), at: c.at };
    const out = yield* sut.apply(action);
    const r = out.kind === 'accepted' ? (out.response as { verdict: string; failedCheck: string | null }) : undefined;
    yield* holds('REQ-SHROUD-2', r !== undefined && r.failedCheck === c.failedCheck && r.verdict === (c.failedCheck === null ? 'valid' : 'invalid'), `${c.name} reordered: expected ${c.failedCheck ?? 'valid'}, got ${JSON.stringify(r ?? out)}`);
  },
});
