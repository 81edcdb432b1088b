/**
 * Confidentiality of incremental image decryption: no adversarial schedule makes secure memory
 * or a key appear in the hypervisor's view or in any response it receives.
 * @module
 */
import { bytesToHex } from '../../model/core/bytes.js';
import { canonicalJson } from '../../model/core/canonical-json.js';
import { defineProperty } from '../property.js';
import { holds, sut } from '../sut-calls.js';
import { arbCase, type TestImage } from './fixtures.js';
import { runSchedule } from './schedules.js';

/** The hex of everything the hypervisor must never learn about an image. */
function secretsOf(image: TestImage): string[] {
  const keys = image.secrets.map((s) => bytesToHex(s));
  // Plaintext is a secret only when the owner encrypted the image (PCF bit 35 clear).
  return image.encrypted ? [...keys, ...image.canaries.map((c) => bytesToHex(c))] : keys;
}

/** REQ-UNPACK-14: canaries and keys never reach the hypervisor. */
export const hypervisorViewConfidential = defineProperty({
  mechanism: 'image-unpack',
  name: 'hypervisor-view-confidential',
  requirements: ['REQ-UNPACK-14'],
  statement:
    'For any schedule, no plaintext canary and no header key, image key or CCK appears in the hypervisor view or in any response.',
  arbitrary: arbCase,
  *run({ image, foreign, schedule }) {
    const run = yield* runSchedule(image, foreign, schedule);
    const secrets = [...secretsOf(image), ...secretsOf(foreign)];
    const seen = [
      canonicalJson(run.created),
      ...run.trace.map((t) => canonicalJson(t.outcome)),
      canonicalJson(yield* sut.observe({ kind: 'hypervisor' })),
    ].join('\n');
    const leaked = secrets.find((s) => seen.includes(s));
    yield* holds('REQ-UNPACK-14', leaked === undefined, `secret ${leaked?.slice(0, 16) ?? ''}… reached the hypervisor`);
  },
});
