import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  cnpgBackupsBackupCreatePermission,
  cnpgBackupsFleetReadPermission,
  cnpgBackupsRecoveryCreatePermission,
  cnpgBackupsStatusReadPermission,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  CnpgPortalPermissionPolicy,
  readAdminGroups,
} from './CnpgPortalPermissionPolicy';

function user(ref: string, ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs },
  };
}

const owner = user('user:default/guest', [
  'user:default/guest',
  'group:default/guests',
]);
const visitor = user('user:default/visitor', [
  'user:default/visitor',
  'group:default/visitors',
]);
const admin = user('user:default/dba', [
  'user:default/dba',
  'group:default/CNPG-Admins',
]);

const policy = CnpgPortalPermissionPolicy.fromConfig(
  new ConfigReader({
    permission: { policy: { adminGroups: ['group:default/cnpg-admins'] } },
  }),
);

const mutating = [
  cnpgBackupsBackupCreatePermission,
  cnpgBackupsRecoveryCreatePermission,
];

function ownerCondition(claims: string[]): PolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions: {
      rule: 'IS_ENTITY_OWNER',
      resourceType: 'catalog-entity',
      params: { claims },
    },
  };
}

describe('CnpgPortalPermissionPolicy', () => {
  it.each(mutating.map(p => [p.name, p]))(
    '%s: conditional on catalog ownership for a non-admin (owner and non-owner alike)',
    async (_name, permission) => {
      // The decision is the same condition for both; the catalog resolves it per entity.
      await expect(policy.handle({ permission }, owner)).resolves.toEqual(
        ownerCondition(owner.info.ownershipEntityRefs),
      );
      await expect(policy.handle({ permission }, visitor)).resolves.toEqual(
        ownerCondition(visitor.info.ownershipEntityRefs),
      );
    },
  );

  it.each(mutating.map(p => [p.name, p]))(
    '%s: ALLOW for a member of an admin group (refs compared case-insensitively)',
    async (_name, permission) => {
      await expect(policy.handle({ permission }, admin)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    },
  );

  it.each(mutating.map(p => [p.name, p]))(
    '%s: DENY without a user (anonymous or service request reaching the policy)',
    async (_name, permission) => {
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    },
  );

  it('fleet read: ALLOW for any signed-in user, DENY without one', async () => {
    const permission = cnpgBackupsFleetReadPermission;
    for (const someone of [owner, visitor, admin]) {
      await expect(policy.handle({ permission }, someone)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
    await expect(policy.handle({ permission })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('status read: ALLOW for any signed-in user, DENY without one', async () => {
    const permission = cnpgBackupsStatusReadPermission;
    for (const someone of [owner, visitor, admin]) {
      await expect(policy.handle({ permission }, someone)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
    await expect(policy.handle({ permission })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('the rest of the portal (catalog read, other plugins) stays allowed', async () => {
    for (const permission of [
      catalogEntityReadPermission,
      createPermission({ name: 'scaffolder.task.read', attributes: {} }),
    ]) {
      await expect(policy.handle({ permission }, visitor)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('a look-alike permission name is not a CNPG permission', async () => {
    // Matching is by exact name: a prefix or differently-cased name gets the default.
    const lookalike = createPermission({
      name: 'cnpg-backups.backup.create.extra',
      attributes: { action: 'create' },
    });
    await expect(
      policy.handle({ permission: lookalike }, visitor),
    ).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('without admin groups configured, nobody is an admin', async () => {
    const plain = CnpgPortalPermissionPolicy.fromConfig(new ConfigReader({}));
    await expect(
      plain.handle({ permission: cnpgBackupsBackupCreatePermission }, admin),
    ).resolves.toEqual(ownerCondition(admin.info.ownershipEntityRefs));
  });
});

describe('readAdminGroups', () => {
  const read = (adminGroups: JsonValue) =>
    readAdminGroups(
      new ConfigReader({ permission: { policy: { adminGroups } } }),
    );

  it('accepts group refs and bare names, normalised to lower-case refs', () => {
    expect(read(['group:default/DBA', 'platform', 'group:ops/oncall'])).toEqual(
      ['group:default/dba', 'group:default/platform', 'group:ops/oncall'],
    );
  });

  it('rejects a non-group ref, naming the entry', () => {
    expect(() => read(['group:default/dba', 'user:default/alice'])).toThrow(
      'permission.policy.adminGroups[1] "user:default/alice" is a user ref; only groups can be admins',
    );
  });

  it.each([['group:default/a/b'], ['group:'], ['group:default/bad name']])(
    'rejects the malformed ref %j, naming the entry',
    entry => {
      expect(() => read(['dba', entry])).toThrow(
        `permission.policy.adminGroups[1] "${entry}" is not a group entity ref`,
      );
    },
  );

  it('rejects a value that is not a list of strings', () => {
    expect(() => read('cnpg-admins')).toThrow(
      'permission.policy.adminGroups must be a list of group entity refs',
    );
  });
});
