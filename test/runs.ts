/**
 * How many times the test suite runs each property: 200, the project's floor.
 *
 * Mutation testing (`npm run mutate`) runs the suite once per mutant; there, and only there,
 * SEMODEL_MUTATION_RUNS may lower the count to keep a run within hours (the score is then a lower
 * bound of the full suite's).
 */
const override = process.env['SEMODEL_MUTATION_RUNS'];

/** Runs per property. */
export const PROPERTY_RUNS = override === undefined ? 200 : Math.max(10, Number(override));
