import { describe, expect, it } from 'vitest';

import { decoyPasswordHash, digestsEqual, hashPassword, sha256, verifyPassword } from '#shared/crypto.ts';
import { netuxDetail } from '#shared/dialects/netux/dialect.ts';

describe('netuxDetail', () => {
  it('groups field messages, nests bulk items by index, and names body-level problems non_field_errors', () => {
    expect(
      netuxDetail([
        { path: ['label'], message: 'required' },
        { path: ['label'], message: 'too long' },
        { path: [3, 'id'], message: 'required' },
        { path: [], message: 'Expected a list of items.' },
      ]),
    ).toEqual({
      label: ['required', 'too long'],
      '3': { id: ['required'] },
      non_field_errors: ['Expected a list of items.'],
    });
  });
});

describe('secrets', () => {
  it('verifies scrypt hashes and rejects wrong passwords and the decoy', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong', stored)).toBe(false);
    expect(await verifyPassword('anything', decoyPasswordHash)).toBe(false);
  });

  it('compares digests in constant time and by value', () => {
    expect(digestsEqual(sha256('a'), sha256('a'))).toBe(true);
    expect(digestsEqual(sha256('a'), sha256('b'))).toBe(false);
    expect(digestsEqual(sha256('a'), 'abcd')).toBe(false);
  });
});
