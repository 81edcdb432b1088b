// A broken adapter for the conformance tests: it speaks semodel-adapter/1 correctly up to the
// point its mode names, then misbehaves. Usage: node bad-adapter.mjs MODE
//   crash-first-apply  exits with status 3 at the first apply
//   crash-after-one    answers the first apply as the model does (create-guest: guest 1), exits 3 at the second
//   hang               never answers an apply
//   garbage            answers an apply with a line that is not JSON
//   exit-early         exits with status 0 at the first apply
//   out-of-order       answers an apply with another request's id
//   wrong-protocol     answers hello with another protocol
import { createInterface } from 'node:readline';

const mode = process.argv[2] ?? 'crash-first-apply';
let applies = 0;
const send = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const req = JSON.parse(line);
  const ok = (result) => send({ jsonrpc: '2.0', id: req.id, result });
  switch (req.method) {
    case 'hello':
      return ok({ protocol: mode === 'wrong-protocol' ? 'other-protocol/9' : 'semodel-adapter/1', implementation: `bad-adapter ${mode}`, version: '0', mechanisms: ['image-unpack'] });
    case 'reset':
      return ok({});
    case 'observe':
      return ok({ view: null });
    case 'bye':
      ok({});
      return process.exit(0);
    case 'apply':
      applies++;
      if (mode === 'crash-after-one' && applies === 1) return ok({ outcome: { kind: 'accepted', response: { guest: 1 } } });
      if (mode === 'crash-first-apply' || mode === 'crash-after-one') {
        process.stderr.write('bad-adapter: giving up\n');
        return process.exit(3);
      }
      if (mode === 'hang') return undefined;
      if (mode === 'garbage') return process.stdout.write('this is not json\n');
      if (mode === 'exit-early') return process.exit(0);
      if (mode === 'out-of-order') return send({ jsonrpc: '2.0', id: req.id + 7, result: { outcome: { kind: 'accepted', response: { guest: 1 } } } });
      return ok({ outcome: { kind: 'accepted', response: { guest: 1 } } });
    default:
      return send({ jsonrpc: '2.0', id: req.id, error: { code: -32601, message: 'no such method' } });
  }
});
