/**
 * The properties of incremental image decryption, in the order of the spec's requirements.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { codecRoundTrip, headerBitFlipRejected } from './codec.js';
import { hypervisorViewConfidential } from './confidentiality.js';
import { guestsIndependent } from './guests.js';
import { adversaryCannotStartOtherContents, honestUnpackYieldsPlaintext, keySlotNamesOwnHostKey, startImpliesVerify, tweakUniqueness } from './integrity.js';
import { noninterference } from './noninterference.js';
import { codesByPhase, guardAlone, guardPairs } from './stimulus.js';
import { targetedEditsFailVerify, tweaksFollowFormula } from './tweaks.js';

/** Every image-unpack property. */
export const imageUnpackProperties: readonly ModelProperty<unknown>[] = [
  codecRoundTrip,
  headerBitFlipRejected,
  guardAlone,
  codesByPhase,
  guardPairs,
  keySlotNamesOwnHostKey,
  tweakUniqueness,
  tweaksFollowFormula,
  honestUnpackYieldsPlaintext,
  targetedEditsFailVerify,
  startImpliesVerify,
  adversaryCannotStartOtherContents,
  hypervisorViewConfidential,
  noninterference,
  guestsIndependent,
];
