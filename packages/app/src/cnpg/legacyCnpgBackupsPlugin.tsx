/*
 * The LEGACY way to plug in CNPG Backups: the plugin's classic exports (`cnpgBackupsPlugin`,
 * `EntityCnpgBackupsCard`, `EntityCnpgBackupsContent`, `isCnpgBackupsAvailable`) as an app
 * built with `createApp` from @backstage/app-defaults would use them on its EntityPage:
 *
 *   <EntitySwitch>
 *     <EntitySwitch.Case if={isCnpgBackupsAvailable}>
 *       <Grid item md={6}><EntityCnpgBackupsCard /></Grid>
 *     </EntitySwitch.Case>
 *   </EntitySwitch>
 *   ...
 *   <EntityLayout.Route path="/cnpg-backups" title="Backups" if={isCnpgBackupsAvailable}>
 *     <EntityCnpgBackupsContent />
 *   </EntityLayout.Route>
 *
 * In this new-frontend-system app, the same legacy exports are converted into a feature with
 * @backstage/core-compat-api. Use this feature INSTEAD of the /alpha plugin (both carry the
 * plugin id `cnpg-backups`); App.test.tsx builds an app with it to prove it works.
 */
import { convertLegacyPlugin } from '@backstage/core-compat-api';
import {
  convertLegacyEntityCardExtension,
  convertLegacyEntityContentExtension,
} from '@backstage/plugin-catalog-react/alpha';
import {
  cnpgBackupsPlugin,
  EntityCnpgBackupsCard,
  EntityCnpgBackupsContent,
  isCnpgBackupsAvailable,
} from '@cnpg-backups/plugin-cnpg-backups';

/** The legacy CNPG Backups plugin converted into a new-frontend-system feature. */
export const legacyCnpgBackupsPlugin = convertLegacyPlugin(cnpgBackupsPlugin, {
  extensions: [
    convertLegacyEntityCardExtension(EntityCnpgBackupsCard, {
      name: 'backups',
      filter: isCnpgBackupsAvailable,
    }),
    convertLegacyEntityContentExtension(EntityCnpgBackupsContent, {
      name: 'backups',
      path: 'cnpg-backups',
      title: 'Backups',
      filter: isCnpgBackupsAvailable,
    }),
  ],
});
