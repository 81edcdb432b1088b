/**
 * A startup list as data (the seed's "list with entries of startup processes"): each entry names a
 * process, the one resource it defines once started, and its requirement, the resources that must
 * exist first. Also the limits a list keeps and the checks of its shape (REQ-START-2).
 * @module
 */

/** One startup process. */
export interface Entry {
  readonly name: string;
  readonly defines: string;
  readonly requires: readonly string[];
}

/** Where a list is: being run, every entry started, or ended by a full pass without a start. */
export const STARTUP_STATUSES = ['running', 'complete', 'stuck'] as const;

/** A list's status. */
export type StartupStatus = (typeof STARTUP_STATUSES)[number];

/** The longest list a boot loads. */
export const MAX_ENTRIES = 64;

/** The most resources one entry requires, or the boot environment provides. */
export const MAX_RESOURCES = 16;

/** The longest process or resource name. */
export const MAX_NAME = 64;

/** True when the list, each requirement and the provided resources are within the limits. */
export function withinBounds(entries: readonly Entry[], provided: readonly string[]): boolean {
  return entries.length <= MAX_ENTRIES && provided.length <= MAX_RESOURCES && entries.every((e) => e.requires.length <= MAX_RESOURCES);
}

/** A name is 1 to {@link MAX_NAME} characters. */
function wellFormed(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME;
}

/** True when every process and resource name of the list is well formed. */
export function namesWellFormed(entries: readonly Entry[], provided: readonly string[]): boolean {
  return provided.every(wellFormed) && entries.every((e) => wellFormed(e.name) && wellFormed(e.defines) && e.requires.every(wellFormed));
}

/** True when no two values of `names` are equal. */
export function distinct(names: readonly string[]): boolean {
  return new Set(names).size === names.length;
}

/** Every resource the list defines or the boot provides, each once: the entries' resources, then the provided ones. */
export function definedResources(entries: readonly Entry[], provided: readonly string[]): readonly string[] {
  return [...entries.map((e) => e.defines), ...provided];
}
