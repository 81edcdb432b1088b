import { benchMigration } from './migration.js';
console.log(await benchMigration());
