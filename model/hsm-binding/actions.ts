/**
 * The AP instructions of mechanism 4, exclusive HSM binding, declared once as schemas: the PQAP
 * functions of the secure-bind facility (BAPQ bind, AAPQ associate, TAPQ query, RAPQ/ZAPQ reset)
 * and the requests a queue serves (NQAP enqueue, DQAP dequeue). A secure guest issues them; the
 * hypervisor issues some of them itself (`guest: null`). The AP queue is the world's adapter.
 * @module
 */
import { t } from '../core/schema.js';
import { defineAction, type ActionOfSpec } from '../world/mechanism.js';

/** The longest request message a queue takes (the model's TAPQ `ml`): one page. */
export const AP_MAX_MESSAGE = 4096;

/** Who issues an AP instruction: a guest, or (`null`) the hypervisor itself. */
const issuer = t.nullable(t.id('the guest that issues the instruction'), 'the issuing guest; null: the hypervisor issues it itself');
/** The AP queue (APQN) the instruction names: an adapter of the world. */
const queue = t.id('the AP queue (an adapter of the world)');

/** Bind the queue to the issuing secure guest (PQAP BAPQ, function code 7). */
export const AP_BIND = defineAction({
  kind: 'ap-bind',
  doc: 'Bind an AP queue to the issuing secure guest for its exclusive use (PQAP BAPQ).',
  caller: 'guest',
  fields: { guest: issuer, adapter: queue },
  response: {},
});

/** Associate the bound queue with an association secret of the guest's store (PQAP AAPQ, function code 8). */
export const AP_ASSOCIATE = defineAction({
  kind: 'ap-associate',
  doc: "Associate a bound EP11 queue with the association secret at an index of the guest's secret store: the firmware logs the guest into the HSM (PQAP AAPQ).",
  caller: 'guest',
  fields: { guest: issuer, adapter: queue, secretIndex: t.int({ min: 0, max: 0xffff, doc: "the association secret's index in the guest's secret store (GR2)" }) },
  response: {},
});

/** Test the queue (PQAP TAPQ with the T bit): its secure-bind state. */
export const AP_QUERY = defineAction({
  kind: 'ap-query',
  doc: 'Test an AP queue (PQAP TAPQ with the T bit): the bind state field bs of GR2.',
  caller: 'guest',
  fields: { guest: issuer, adapter: queue },
  response: { bs: t.int({ min: 0, max: 3, doc: 'bind state: 0 usable, 1 usable without secure key, 2 available for binding, 3 unusable' }) },
});

/** Reset the queue with the F bit (PQAP RAPQ or ZAPQ): binding and association are dropped. */
export const AP_RESET = defineAction({
  kind: 'ap-reset',
  doc: 'Reset an AP queue with the F bit (PQAP RAPQ or ZAPQ): pending replies, binding, association and the HSM session are dropped.',
  caller: 'guest',
  fields: { guest: issuer, adapter: queue },
  response: {},
});

/** Enqueue a request message (NQAP). */
export const AP_REQUEST = defineAction({
  kind: 'ap-request',
  doc: 'Enqueue a request message on an AP queue (NQAP); its reply waits on the queue.',
  caller: 'guest',
  fields: { guest: issuer, adapter: queue, message: t.bytes({ max: AP_MAX_MESSAGE, doc: 'the request message (a CPRB)' }) },
  response: {},
});

/** Dequeue the oldest reply (DQAP). */
export const AP_REPLY = defineAction({
  kind: 'ap-reply',
  doc: 'Dequeue the oldest reply waiting on an AP queue (DQAP).',
  caller: 'guest',
  fields: { guest: issuer, adapter: queue },
  response: { reply: t.bytes({ size: 32, doc: "the HSM's reply" }) },
});

/** Every hsm-binding action kind, in the order the spec introduces them. */
export const HSM_ACTIONS = [AP_BIND, AP_ASSOCIATE, AP_QUERY, AP_RESET, AP_REQUEST, AP_REPLY] as const;

/** Bind a queue. */
export type ApBind = ActionOfSpec<typeof AP_BIND>;
/** Associate a queue. */
export type ApAssociate = ActionOfSpec<typeof AP_ASSOCIATE>;
/** Query a queue. */
export type ApQuery = ActionOfSpec<typeof AP_QUERY>;
/** Reset a queue. */
export type ApReset = ActionOfSpec<typeof AP_RESET>;
/** Enqueue a request. */
export type ApRequest = ActionOfSpec<typeof AP_REQUEST>;
/** Dequeue a reply. */
export type ApReply = ActionOfSpec<typeof AP_REPLY>;
