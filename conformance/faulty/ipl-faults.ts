/**
 * Deliberately wrong implementations of mechanism 1 (secure IPL): each runs the model's stages
 * but one, and answers as an implementation with that fault would. Each is caught by a
 * secure-ipl property (test/secure-ipl/faulty-caught.test.ts).
 * @module
 */
import type { Step } from '../../model/core/outcome.js';
import type { Ipl } from '../../model/secure-ipl/actions.js';
import { ipl } from '../../model/secure-ipl/handlers.js';
import { buildReport } from '../../model/secure-ipl/report.js';
import { designatedCode, layoutCode, programTableCode, PSW_ADDRESS_MASK, readAnchors, verifySignatures } from '../../model/secure-ipl/stages.js';
import type { World } from '../../model/world/world.js';
import { rejectedWith } from './world-edit.js';

type Response = { readonly report: Uint8Array; readonly entry: bigint };

/**
 * An IPL that takes a signature by a key no trusted certificate names as verified (by the first
 * certificate): the load continues where it should halt with SIGNATURE_UNTRUSTED_KEY (REQ-IPL-3).
 */
export const iplTrustingAnyKey = (world: World, action: Ipl): Step<World, Response> => {
  const step = ipl(world, action);
  const anchors = readAnchors(action.certificates);
  if (!rejectedWith(step, 'SIGNATURE_UNTRUSTED_KEY') || anchors === null || anchors.length === 0) return step;
  // The rest of the checks as the model makes them; every signed component "verified" by certificate 0.
  if (designatedCode(action.components, action.psw) !== null || layoutCode(action.components, action.psw, action.memory) !== null || programTableCode(action.components) !== null) return step;
  const report = buildReport(action.components, action.components.map((c) => (c.signature === null ? null : 0)), anchors);
  return { state: world, outcome: { kind: 'accepted', response: { report, entry: action.psw & PSW_ADDRESS_MASK } } };
};

/**
 * An IPL without the additional verification: the load continues into a component that is not
 * signed (REQ-IPL-4), its report saying so.
 */
export const iplEnteringUnsigned = (world: World, action: Ipl): Step<World, Response> => {
  const step = ipl(world, action);
  if (!rejectedWith(step, 'DESIGNATED_UNSIGNED')) return step;
  // The model's other stages still run; the report says truly what was verified.
  const anchors = readAnchors(action.certificates) ?? [];
  const verifiedBy = verifySignatures(world.suite, action.components, anchors);
  if (typeof verifiedBy === 'string' || layoutCode(action.components, action.psw, action.memory) !== null) return step;
  const report = buildReport(action.components, verifiedBy, anchors);
  return { state: world, outcome: { kind: 'accepted', response: { report, entry: action.psw & PSW_ADDRESS_MASK } } };
};
