import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  cnpgBackupsBackupCreatePermission,
  cnpgBackupsFleetReadPermission,
  cnpgBackupsRecoveryCreatePermission,
  cnpgBackupsStatusReadPermission,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Where the portal reads its admin groups from. */
export const ADMIN_GROUPS_CONFIG_KEY = 'permission.policy.adminGroups';

/**
 * Reads `permission.policy.adminGroups`: group entity refs (`group:default/dba`) or bare group
 * names (`dba`, namespace `default`). Anything else stops the backend with a message naming the
 * bad entry, rather than silently granting (or never granting) admin rights.
 */
export function readAdminGroups(config: Config): string[] {
  if (!config.has(ADMIN_GROUPS_CONFIG_KEY)) {
    return [];
  }
  let entries: string[];
  try {
    entries = config.getStringArray(ADMIN_GROUPS_CONFIG_KEY);
  } catch (error) {
    throw new InputError(
      `${ADMIN_GROUPS_CONFIG_KEY} must be a list of group entity refs, e.g. [group:default/dba]`,
      error,
    );
  }
  return entries.map((entry, index) => {
    const where = `${ADMIN_GROUPS_CONFIG_KEY}[${index}]`;
    let ref;
    try {
      ref = parseEntityRef(entry.trim(), {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(
        `${where} "${entry}" is not a group entity ref (expected group:<namespace>/<name> or <name>)`,
        error,
      );
    }
    const validator = makeValidator();
    if (
      !validator.isValidNamespace(ref.namespace) ||
      !validator.isValidEntityName(ref.name)
    ) {
      throw new InputError(
        `${where} "${entry}" is not a group entity ref (expected group:<namespace>/<name> or <name>)`,
      );
    }
    if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new InputError(
        `${where} "${entry}" is a ${ref.kind} ref; only groups can be admins (group:<namespace>/<name>)`,
      );
    }
    return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
  });
}

/**
 * The demo portal's permission policy (replaces allow-all):
 *  - `cnpg-backups.backup.create` and `cnpg-backups.recovery.create` (resource permissions on the
 *    catalog entity): ALLOW for members of an admin group; otherwise CONDITIONAL on the catalog's
 *    `IS_ENTITY_OWNER` rule with the user's ownership refs, so only the entity's owners may back
 *    up or restore its databases; DENY without a signed-in user;
 *  - `cnpg-backups.status.read` and `cnpg-backups.fleet.read`: ALLOW for any signed-in user,
 *    DENY without one;
 *  - every other permission of the portal (catalog, scaffolder, …): ALLOW, as before.
 */
export class CnpgPortalPermissionPolicy implements PermissionPolicy {
  static fromConfig(config: Config): CnpgPortalPermissionPolicy {
    return new CnpgPortalPermissionPolicy({
      adminGroups: readAdminGroups(config),
    });
  }

  readonly #adminGroups: ReadonlySet<string>;

  constructor(options: { adminGroups: string[] }) {
    this.#adminGroups = new Set(
      options.adminGroups.map(ref => ref.toLocaleLowerCase('en-US')),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;

    if (
      isPermission(permission, cnpgBackupsStatusReadPermission) ||
      isPermission(permission, cnpgBackupsFleetReadPermission)
    ) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }

    const isBackup = isPermission(
      permission,
      cnpgBackupsBackupCreatePermission,
    );
    const isRecovery = isPermission(
      permission,
      cnpgBackupsRecoveryCreatePermission,
    );
    if (isBackup || isRecovery) {
      if (!user) {
        return { result: AuthorizeResult.DENY };
      }
      if (this.isAdmin(user)) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createCatalogConditionalDecision(
        isBackup
          ? cnpgBackupsBackupCreatePermission
          : cnpgBackupsRecoveryCreatePermission,
        catalogConditions.isEntityOwner({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }

    return { result: AuthorizeResult.ALLOW };
  }

  private isAdmin(user: PolicyQueryUser): boolean {
    return user.info.ownershipEntityRefs.some(ref =>
      this.#adminGroups.has(ref.toLocaleLowerCase('en-US')),
    );
  }
}
