/** The seed file against DynamoDB Local: validation with paths, idempotent loading, uniqueness. */
import { beforeAll, describe, expect, it } from 'vitest';

import { getOrganization } from '#shared/db/organizations.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';
import { createTable, readSeedFile, snapshotTable } from '#test/support/table.ts';

beforeAll(createTable);

describe('seed file validation', () => {
  it('names the path of every bad field', () => {
    const bad = {
      tenants: [
        {
          id: 't1',
          name: 'T',
          organizations: [
            { id: 'abcabcabcabcabcabcab', intId: 1, label: 'a', name: 'A', parent: 'ffffffffffffffffffff' },
            { id: 'not-hex', intId: 2, label: 'has space', name: 'B' },
          ],
        },
      ],
    };
    expect(() => parseSeedFile(bad)).toThrowError(/tenants\.0\.organizations\.0\.parent: unknown parent organization/);
    expect(() => parseSeedFile(bad)).toThrowError(/tenants\.0\.organizations\.1\.id/);
    expect(() => parseSeedFile(bad)).toThrowError(/tenants\.0\.organizations\.1\.label/);
  });

  it('checks that click counts name organizations and publishers of the file, and are integers ≥ 0', () => {
    const clicks = (engagementClicks: unknown[]) => ({
      tenants: [
        {
          id: 't1',
          name: 'T',
          publishers: [{ id: 'p1', name: 'P' }],
          organizations: [{ id: 'abcabcabcabcabcabcab', intId: 1, label: 'a', name: 'A' }],
          engagementClicks,
        },
      ],
    });
    expect(() => parseSeedFile(clicks([{ organization: 'abcabcabcabcabcabcab', publisher: 'p1', clicks: 3 }]))).not.toThrow();
    expect(() => parseSeedFile(clicks([{ organization: 'ffffffffffffffffffff', publisher: 'p1', clicks: 3 }]))).toThrowError(
      /tenants\.0\.engagementClicks\.0\.organization: unknown organization/,
    );
    expect(() => parseSeedFile(clicks([{ organization: 'abcabcabcabcabcabcab', publisher: 'p2', clicks: 3 }]))).toThrowError(
      /tenants\.0\.engagementClicks\.0\.publisher: unknown publisher p2/,
    );
    expect(() => parseSeedFile(clicks([{ organization: 'abcabcabcabcabcabcab', publisher: 'p1', clicks: -1 }]))).toThrowError(
      /tenants\.0\.engagementClicks\.0\.clicks/,
    );
  });

  it('rejects unknown keys and duplicate labels', () => {
    const dup = {
      tenants: [
        {
          id: 't1',
          name: 'T',
          organizations: [
            { id: 'abcabcabcabcabcabcab', intId: 1, label: 'same', name: 'A' },
            { id: 'abcabcabcabcabcabcac', intId: 2, label: 'same', name: 'B', colour: 'red' },
          ],
        },
      ],
    };
    expect(() => parseSeedFile(dup)).toThrowError(/tenants\.0\.organizations\.1\.label: duplicate label same/);
    expect(() => parseSeedFile(dup)).toThrowError(/colour/);
  });

  it('rejects a parent cycle', () => {
    const cycle = {
      tenants: [
        {
          id: 't1',
          name: 'T',
          organizations: [
            { id: 'abcabcabcabcabcabca1', intId: 1, label: 'a', name: 'A', parent: 'abcabcabcabcabcabca2' },
            { id: 'abcabcabcabcabcabca2', intId: 2, label: 'b', name: 'B', parent: 'abcabcabcabcabcabca1' },
          ],
        },
      ],
    };
    expect(() => parseSeedFile(cycle)).toThrowError(/parent chain forms a cycle/);
  });

  it('refuses an Apidae key its clients would refuse (they accept ^[a-zA-Z0-9]{1,20}$)', () => {
    const withKey = (apiKey: string) => ({
      tenants: [{ id: 't1', name: 'T', credentials: { apidae: [{ projetId: 1, apiKey, access: 'full' }] } }],
    });
    for (const bad of ['demo-apidae-key', 'a'.repeat(21), 'short']) {
      expect(() => parseSeedFile(withKey(bad)), bad).toThrowError(/credentials\.apidae\.0\.apiKey: must be 8 to 20 letters or digits/);
    }
    expect(() => parseSeedFile(withKey('demoApidaeKey1'))).not.toThrow();
  });
});

describe('loading', () => {
  it('loads the demo seed and loading it again changes nothing', async () => {
    const demo = readSeedFile('seeds/demo.json');
    await loadSeed(demo);
    const first = await snapshotTable();
    expect(first.length).toBeGreaterThan(20);
    await loadSeed(demo);
    expect(await snapshotTable()).toEqual(first);
    const usa = await getOrganization('demo', '0000000000000000000007');
    expect(usa).toMatchObject({ intId: 7, label: 'usa', parentId: null, version: 1 });
    expect(usa!.member.users).toHaveLength(2);
  });

  it('stores secrets only as hashes', async () => {
    const dump = JSON.stringify(await snapshotTable());
    for (const secret of ['oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'demo-engagement-key-0001', 'demoApidaeKey1', 'demo-password-1']) {
      expect(dump).not.toContain(secret);
    }
  });

  it('refuses a credential identifier that belongs to another tenant, and a label owned by another organization', async () => {
    const stolen = parseSeedFile({
      tenants: [{ id: 'thief', name: 'X', credentials: { netux: [{ token: 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', scopes: ['read'] }] } }],
    });
    await expect(loadSeed(stolen)).rejects.toThrow(/already belongs to another tenant/);

    const clash = parseSeedFile({
      tenants: [
        { id: 'demo', name: 'Orgbridge demo', organizations: [{ id: 'cccccccccccccccccccc', intId: 999, label: 'usa', name: 'Clash' }] },
      ],
    });
    await expect(loadSeed(clash)).rejects.toThrow(/label already exists/);
    expect(await getOrganization('demo', 'cccccccccccccccccccc')).toBeUndefined();
  });
});
