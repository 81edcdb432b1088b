/**
 * The calls of mechanism 5, declared once as schemas. The boot image inside a running guest loads
 * its startup list (`startup-load`), then the scheduler runs it: one fetch at a time
 * (`startup-step`) or to its end (`startup-run`).
 *
 * Why both granularities: one fetch is the seed's unit of work, so a campaign can interleave the
 * scheduler with any other action (a secret added, a dump taken, an interception resumed between
 * two fetches) and a property can check the state after every fetch; `startup-run` is what a boot
 * does when nothing interleaves, and what another implementation answers in one call.
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';
import { STARTUP_STATUSES } from './entries.js';

const guest = t.id('the guest whose boot runs the list');
const name = t.string({ max: 64, doc: 'a process or resource name: 1 to 64 characters' });

/** The schema of one entry of a startup list. */
export const ENTRY = t.object(
  {
    name: t.string({ max: 64, doc: 'the startup process (unique in the list)' }),
    defines: t.string({ max: 64, doc: 'the resource the process defines once started (defined once in the list)' }),
    requires: t.array(name, { doc: 'the resources that must exist before the process starts (its requirement)' }),
  },
  'one startup process',
);

/** Load a startup list into the guest's boot. */
export const STARTUP_LOAD = defineAction({
  kind: 'startup-load',
  doc: "Load the startup list of a running guest's boot: its entries in list order and the resources the boot environment provides before any entry starts.",
  caller: 'guest',
  fields: {
    guest,
    entries: t.array(ENTRY, { doc: 'the startup processes, in list order' }),
    provided: t.array(name, { doc: 'resources that exist before the first entry starts (what the boot image brings)' }),
  },
  response: { status: t.enum(STARTUP_STATUSES, 'running; complete at once for an empty list') },
});

/** One fetch of the scheduler. */
export const STARTUP_STEP = defineAction({
  kind: 'startup-step',
  doc: 'Fetch the next entry of the list not yet started and start it if its requirement is satisfied; a full pass without a start ends the list stuck.',
  caller: 'guest',
  fields: { guest },
  response: {
    fetched: t.string({ doc: 'the process the scheduler fetched' }),
    started: t.bool('whether it started'),
    status: t.enum(STARTUP_STATUSES, 'the list after this fetch'),
  },
});

/** The scheduler to the end of the list. */
export const STARTUP_RUN = defineAction({
  kind: 'startup-run',
  doc: 'Fetch and start until every entry has started or a full pass started none: the list ends complete or stuck.',
  caller: 'guest',
  fields: { guest },
  response: {
    status: t.enum(STARTUP_STATUSES, 'complete or stuck'),
    started: t.array(t.string(), { doc: 'the processes this call started, in start order' }),
    fetches: t.int({ doc: 'the fetches this call made' }),
  },
});

/** Every startup-order action kind. */
export const STARTUP_ACTIONS = [STARTUP_LOAD, STARTUP_STEP, STARTUP_RUN] as const;

/** Load a list. */
export type StartupLoad = ActionOfSpec<typeof STARTUP_LOAD>;
/** One fetch. */
export type StartupStep = ActionOfSpec<typeof STARTUP_STEP>;
/** Run to the end. */
export type StartupRun = ActionOfSpec<typeof STARTUP_RUN>;
