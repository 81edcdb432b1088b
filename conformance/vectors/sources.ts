/**
 * Where the vector cases of the mechanisms after image-unpack come from: each mechanism's
 * stimulus properties, run once on the model with a fixed input (their scenario assertions name
 * each case, as image-unpack's do), and for each of its action kinds a path of accepted calls
 * that ends in that kind. Image-unpack's own cases (and the platform's lifecycle, and the
 * adversarial schedules) are built in cases.ts from its stimulus and schedule generators.
 * @module
 */
import type { RequirementId } from '../../model/core/outcome.js';
import type { ActionKind, WorldConfig } from '../../model/platform/index.js';
import type { Calls } from '../../properties/sut-calls.js';
import * as ctrl from '../../properties/request-controls/stimulus.js';
import * as hsm from '../../properties/hsm-binding/index.js';

/** One stimulus property run with a fixed input: `() => property.run(input, undefined)`. */
export type StimulusRun = () => Calls<unknown>;

/** What a mechanism gives the vectors. */
export interface CaseSource {
  readonly mechanism: string;
  /** The one configuration every reset of its stimuli and paths uses. */
  readonly config: WorldConfig;
  /** Its action kinds, in the order their cases are listed. */
  readonly kinds: readonly ActionKind[];
  readonly stimuli: readonly StimulusRun[];
  /** For each kind, calls from a reset whose every step is accepted and whose last step is that kind. */
  readonly accepted: Readonly<Partial<Record<ActionKind, () => Calls<unknown>>>>;
  /** The requirement an accepted call of each of its kinds satisfies. */
  readonly acceptedRequirement: Readonly<Partial<Record<ActionKind, RequirementId>>>;
}

/** The requirement an accepted call of each hsm-binding kind satisfies (spec/hsm-binding.md). */
const HSM_ACCEPTED: Readonly<Partial<Record<ActionKind, RequirementId>>> = {
  'ap-bind': 'REQ-HSM-4',
  'ap-associate': 'REQ-HSM-7',
  'ap-query': 'REQ-HSM-10',
  'ap-reset': 'REQ-HSM-11',
  'ap-request': 'REQ-HSM-9',
  'ap-reply': 'REQ-HSM-9',
};

/** The sources of the mechanisms after image-unpack, in the order of the platform's mechanisms. */
export const CASE_SOURCES: readonly CaseSource[] = [
  {
    mechanism: 'request-controls',
    config: ctrl.STIMULUS_CONFIG,
    kinds: ctrl.CTRL_STIMULUS_KINDS,
    stimuli: ctrl.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: ctrl.ACCEPTED_PATHS,
    acceptedRequirement: ctrl.ACCEPTED_REQUIREMENT,
  },
  {
    mechanism: 'hsm-binding',
    config: hsm.STIMULUS_CONFIG,
    kinds: hsm.STIMULUS_KINDS,
    stimuli: hsm.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: hsm.ACCEPTED_PATH,
    acceptedRequirement: HSM_ACCEPTED,
  },
];
