// Every property run in the test suite replays from a fixed seed: the suite does not depend on the
// clock, and Stryker's mutant runs meet the same inputs as the baseline run.
// Set FC_SEED to explore other seeds locally (a failure prints the seed and path to replay).
import fc from 'fast-check';

const seed = process.env['FC_SEED'] === undefined ? 0x5e_2026 : Number(process.env['FC_SEED']);
fc.configureGlobal({ seed });
