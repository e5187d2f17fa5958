/** The domain's ports (shared/domain/ports.ts) on the DynamoDB single table. */
import type { Stores } from '#shared/domain/ports.ts';

import * as accessLists from './access-lists.ts';
import * as apps from './apps.ts';
import * as credentials from './credentials.ts';
import * as directory from './directory.ts';
import { beginImportRun, finishImportRun } from './import-runs.ts';
import { settleImportedEntries } from './imported-entries.ts';
import { backfillIndexEntries } from './index-backfill.ts';
import { clearLoginAttempts, countLoginAttempt } from './login-attempts.ts';
import * as listing from './organization-listing.ts';
import * as organizations from './organizations.ts';
import { countRequest } from './rate-limit.ts';
import { backfillGramVocabulary, backfillSearchPostings, searchPostings } from './search-index.ts';
import * as tasks from './tasks.ts';
import { hasTenantMark, TENANT_MARKS } from './tenant-marks.ts';

export const dynamoDbStores: Stores = {
  organizations: {
    get: organizations.getOrganization,
    getMany: organizations.getOrganizations,
    idByLabel: organizations.findOrganizationIdByLabel,
    idByIntId: organizations.findOrganizationIdByIntId,
    count: listing.countOrganizations,
    page: listing.listingPage,
    allIdPages: listing.allIdPages,
    idsByMember: listing.idsByIndexedValue,
    idPagesByMember: listing.idPagesByIndexedValues,
    idsWithoutDescription: listing.idsWithoutDescription,
    indexesComplete: (tenantId) => hasTenantMark(tenantId, TENANT_MARKS.indexes),
    searchCandidates: searchPostings,
    childIds: listing.childIds,
    treeEntries: listing.treeEntries,
    allocateIntIds: organizations.allocateIntId,
    raiseIntIdFloor: organizations.raiseIntIdCounter,
    save: organizations.saveOrganization,
    createMany: organizations.saveNewOrganizations,
    beginImport: beginImportRun,
    finishImport: finishImportRun,
    updateInPlace: organizations.updateFieldsInPlace,
    updateInPlaceBatch: organizations.updateFieldsInPlaceBatch,
    pruneAppliedOps: organizations.removeExpiredAppliedOps,
    remove: organizations.deleteOrganization,
    wasDeleteApplied: organizations.wasDeleteApplied,
    migrateLayout: organizations.migrateLayout,
    backfillIndexEntries,
    backfillSearchPostings: () => backfillSearchPostings(),
    backfillGramVocabulary: () => backfillGramVocabulary(),
    settleImportedEntries: () => settleImportedEntries(),
  },
  directory: {
    getTenant: directory.getTenant,
    putTenant: directory.putTenant,
    listTenants: directory.listTenants,
    listApps: apps.listApps,
    putApp: apps.putApp,
    getPublisher: directory.getPublisher,
    putPublisher: async (...args) => void (await directory.putPublisher(...args)),
    listPublishers: directory.listPublishers,
    listDiffuseurs: directory.listDiffuseurs,
    isDiffuseur: directory.isDiffuseur,
    putDiffusion: async (...args) => void (await directory.putDiffusion(...args)),
    deleteDiffusion: async (...args) => void (await directory.deleteDiffusion(...args)),
    getMapping: directory.getClientMapping,
    putMapping: directory.putClientMapping,
    setAllowedPublishers: directory.setAllowedPublishers,
    listMappings: directory.listClientMappings,
    listMappingsOfOrganization: directory.listMappingsOfOrganization,
    getClicks: directory.getClicks,
    listClicks: directory.listClicks,
    putClicks: async (...args) => void (await directory.putClicks(...args)),
    getAccessList: accessLists.getAccessList,
    listAccessLists: accessLists.listAccessLists,
    pageAccessLists: accessLists.pageAccessLists,
    putAccessList: accessLists.putAccessList,
    replaceAccess: accessLists.replaceAccess,
  },
  credentials: {
    get: credentials.getCredential,
    put: credentials.putCredential,
    remove: credentials.deleteCredential,
    listOfTenant: credentials.listTenantCredentials,
    backfillListings: credentials.backfillListingKeys,
  },
  requestCounter: { count: (counterKey, windowSeconds) => countRequest(counterKey, windowSeconds) },
  loginAttempts: { count: countLoginAttempt, clear: clearLoginAttempts },
  tasks: {
    create: tasks.createTask,
    remove: tasks.deleteTask,
    get: tasks.getTask,
    getChunk: tasks.getChunk,
    listChunkResults: tasks.listChunkResults,
    markRunning: tasks.markTaskRunning,
    recordChunkResult: tasks.recordChunkResult,
    recordChunkProgress: tasks.recordChunkProgress,
    reopen: tasks.reopenTask,
    finish: tasks.finishTask,
    claimIdempotencyKey: tasks.claimIdempotencyKey,
    releaseIdempotencyKey: tasks.releaseIdempotencyKey,
    listOpenCreatedBefore: tasks.listOpenTasksCreatedBefore,
  },
};
