/**
 * The properties of incremental image decryption, in the order of the spec's requirements.
 * @module
 */
import type { ModelProperty } from '../property.js';
import { codecRoundTrip, headerBitFlipRejected } from './codec.js';
import { hypervisorViewConfidential } from './confidentiality.js';
import { adversaryCannotStartOtherContents, honestUnpackYieldsPlaintext, startImpliesVerify, tweakUniqueness } from './integrity.js';
import { singleFaultCodes } from './stimulus.js';
import { reducersAreTotal } from './totality.js';

/** Every image-unpack property. */
export const imageUnpackProperties: readonly ModelProperty<unknown>[] = [
  codecRoundTrip,
  headerBitFlipRejected,
  singleFaultCodes,
  tweakUniqueness,
  honestUnpackYieldsPlaintext,
  startImpliesVerify,
  adversaryCannotStartOtherContents,
  hypervisorViewConfidential,
  reducersAreTotal,
];
