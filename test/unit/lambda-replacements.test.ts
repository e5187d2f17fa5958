/**
 * The Lambda-only replacements of SDK modules (infra/lambda/, aliased in the bundles by infra/bundling.ts)
 * behave as the modules they replace, which the TypeScript source run by the other tests keeps.
 */
import { Sha256 as SdkSha256 } from '@smithy/core/checksum';
import { describe, expect, it } from 'vitest';

import { Sha256 } from '#infra/lambda/sha256-node.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('the SHA-256 of the Lambda bundles (infra/lambda/sha256-node.ts)', () => {
  const inputs: (string | Uint8Array)[] = ['', 'AWS4-HMAC-SHA256', 'é✓', new Uint8Array([0, 1, 2, 255]), new Uint8Array(100_000).fill(7)];
  const secrets: (string | Uint8Array | undefined)[] = [undefined, 'AWS4secret', new Uint8Array([9, 8, 7])];

  it('gives the SDK’s digests, plain and HMAC, from strings and bytes', async () => {
    for (const secret of secrets) {
      const [ours, theirs] = [new Sha256(secret), new SdkSha256(secret)];
      for (const input of inputs) {
        ours.update(input);
        theirs.update(input as Uint8Array); // typed for bytes, takes strings as ours does
      }
      expect(hex(await ours.digest()), String(secret)).toBe(hex(await theirs.digest()));
    }
  });

  it('keeps a plain hash open after a digest, closes an HMAC, and starts over on reset', async () => {
    const [ours, theirs] = [new Sha256(), new SdkSha256()];
    for (const hash of [ours, theirs]) hash.update(Buffer.from('a'));
    expect(hex(await ours.digest())).toBe(hex(await theirs.digest()));
    for (const hash of [ours, theirs]) hash.update(Buffer.from('b'));
    expect(hex(await ours.digest())).toBe(hex(await theirs.digest()));

    const hmac = new Sha256('key');
    hmac.update('x');
    await hmac.digest();
    expect(() => hmac.update('y')).toThrow('Attempted to update an already finished hash.');
    hmac.reset();
    hmac.update('x');
    const again = new SdkSha256('key');
    again.update(Buffer.from('x'));
    expect(hex(await hmac.digest())).toBe(hex(await again.digest()));
  });
});
