// The wire decoders of the platform (model/platform/wire.ts) on what is not a message: exact
// paths and messages, never a throw.
import { describe, expect, it } from 'vitest';
import { actionFromWire, outcomeFromWire, partyFromWire } from '../../model/platform/index.js';

const refused = (path: string, message: string) => ({ ok: false, error: { path, message } });

describe('actionFromWire', () => {
  it('refuses values that are not objects with a known kind', () => {
    expect(actionFromWire(null)).toEqual(refused('$.kind', 'unknown action kind undefined'));
    expect(actionFromWire(undefined)).toEqual(refused('$.kind', 'unknown action kind undefined'));
    expect(actionFromWire('verify')).toEqual(refused('$.kind', 'unknown action kind undefined'));
    expect(actionFromWire(3)).toEqual(refused('$.kind', 'unknown action kind undefined'));
    expect(actionFromWire({ kind: 'reboot' })).toEqual(refused('$.kind', 'unknown action kind "reboot"'));
    expect(actionFromWire({ kind: 4 })).toEqual(refused('$.kind', 'unknown action kind 4'));
  });

  it('does not read a kind off an array', () => {
    const a = Object.assign([], { kind: 'verify', guest: 1 });
    expect(actionFromWire(a)).toEqual(refused('$.kind', 'unknown action kind undefined'));
  });

  it('decodes an object with a known kind', () => {
    expect(actionFromWire({ kind: 'verify', guest: 1 })).toEqual({ ok: true, value: { kind: 'verify', guest: 1 } });
  });
});

describe('outcomeFromWire', () => {
  it('refuses a value that is not an object', () => {
    expect(outcomeFromWire('verify', null)).toEqual(refused('$', 'expected an object'));
    expect(outcomeFromWire('verify', 'accepted')).toEqual(refused('$', 'expected an object'));
  });

  it('refuses a requirement that is not exactly a requirement ID', () => {
    const msg = refused('$.requirement', 'expected a requirement ID REQ-AREA-n');
    for (const requirement of ['xREQ-A-1', 'REQ-A-1x', 'REQ-a-1', 'REQ--1', 'REQ-A-', '']) {
      expect(outcomeFromWire('verify', { kind: 'rejected', code: 'X', requirement })).toEqual(msg);
    }
    expect(outcomeFromWire('verify', { kind: 'rejected', code: 'X', requirement: 'REQ-AB-12' })).toEqual({
      ok: true,
      value: { kind: 'rejected', code: 'X', requirement: 'REQ-AB-12' },
    });
  });
});

describe('partyFromWire', () => {
  it('refuses values that are not objects with a known party kind', () => {
    expect(partyFromWire(null)).toEqual(refused('$.kind', 'unknown party undefined'));
    expect(partyFromWire(7)).toEqual(refused('$.kind', 'unknown party undefined'));
    expect(partyFromWire({ kind: 'nobody' })).toEqual(refused('$.kind', 'unknown party "nobody"'));
    expect(partyFromWire({ kind: 'toString' })).toEqual(refused('$.kind', 'unknown party "toString"'));
  });

  it('decodes a known party', () => {
    expect(partyFromWire({ kind: 'hypervisor' })).toEqual({ ok: true, value: { kind: 'hypervisor' } });
  });
});
