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
import * as start from '../../properties/startup-order/index.js';
import * as dump from '../../properties/secure-dump/index.js';
import * as intcp from '../../properties/secure-interception/index.js';
import * as migr from '../../properties/migration/index.js';
import * as ipl from '../../properties/secure-ipl/index.js';
import * as cboot from '../../properties/confidential-boot/index.js';
import * as shroud from '../../properties/shrouded-deployment/index.js';

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

/** The requirement an accepted call of each secure-interception kind satisfies (spec/secure-interception.md). */
const INTCP_ACCEPTED: Readonly<Partial<Record<ActionKind, RequirementId>>> = {
  'guest-load-registers': 'REQ-INTCP-1',
  'guest-store': 'REQ-INTCP-1',
  'guest-store-registers': 'REQ-INTCP-1',
  'guest-execute': 'REQ-INTCP-4',
  'resume-guest': 'REQ-INTCP-9',
};

/** The requirement an accepted call of each startup-order kind satisfies (spec/startup-order.md). */
const START_ACCEPTED: Readonly<Partial<Record<ActionKind, RequirementId>>> = {
  'startup-load': 'REQ-START-1',
  'startup-step': 'REQ-START-4',
  'startup-run': 'REQ-START-4',
};

/** The requirement an accepted call of each secure-dump kind satisfies (spec/secure-dump.md). */
const DUMP_ACCEPTED: Readonly<Partial<Record<ActionKind, RequirementId>>> = {
  'dump-init': 'REQ-DUMP-4',
  'dump-storage-state': 'REQ-DUMP-5',
  'dump-cpu': 'REQ-DUMP-6',
  'dump-complete': 'REQ-DUMP-7',
};

/** The sources of the mechanisms but image-unpack (which has its own), in the order of the platform's mechanisms. */
export const CASE_SOURCES: readonly CaseSource[] = [
  {
    mechanism: 'secure-ipl',
    config: ipl.STIMULUS_CONFIG,
    kinds: ipl.STIMULUS_KINDS,
    stimuli: ipl.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: ipl.ACCEPTED_PATH,
    acceptedRequirement: { ipl: 'REQ-IPL-7' },
  },
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
  {
    mechanism: 'startup-order',
    config: start.STIMULUS_CONFIG,
    kinds: start.STIMULUS_KINDS,
    stimuli: start.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: start.ACCEPTED_PATH,
    acceptedRequirement: START_ACCEPTED,
  },
  {
    mechanism: 'secure-dump',
    config: dump.STIMULUS_CONFIG,
    kinds: dump.STIMULUS_KINDS,
    stimuli: dump.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: dump.ACCEPTED_PATH,
    acceptedRequirement: DUMP_ACCEPTED,
  },
  {
    mechanism: 'secure-interception',
    config: intcp.STIMULUS_CONFIG,
    kinds: intcp.STIMULUS_KINDS,
    stimuli: intcp.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: intcp.ACCEPTED_PATH,
    acceptedRequirement: INTCP_ACCEPTED,
  },
  {
    mechanism: 'shrouded-deployment',
    config: shroud.STIMULUS_CONFIG,
    kinds: shroud.STIMULUS_KINDS,
    stimuli: shroud.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: shroud.ACCEPTED_PATH,
    acceptedRequirement: { 'shroud-auth-info': 'REQ-SHROUD-1', 'shroud-verify-host': 'REQ-SHROUD-2', 'shroud-release': 'REQ-SHROUD-4', 'shroud-deploy': 'REQ-SHROUD-5', 'shroud-set-setting': 'REQ-SHROUD-6' },
  },
  {
    mechanism: 'migration',
    config: migr.STIMULUS_CONFIG,
    kinds: migr.STIMULUS_KINDS,
    stimuli: migr.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: migr.ACCEPTED_PATH,
    acceptedRequirement: migr.ACCEPTED_REQUIREMENT,
  },
  {
    mechanism: 'confidential-boot',
    config: cboot.STIMULUS_CONFIG,
    kinds: cboot.STIMULUS_KINDS,
    stimuli: cboot.STIMULI.map((s) => () => s.property.run(s.input, undefined)),
    accepted: cboot.ACCEPTED_PATH,
    acceptedRequirement: cboot.ACCEPTED_REQUIREMENT,
  },
];
