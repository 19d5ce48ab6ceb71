import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

/*
 * New frontend system. `app.packages: all` (app-config.yaml) also discovers every plugin
 * listed in package.json; the ones this demo depends on are named here explicitly so the
 * wiring is visible and does not hinge on discovery:
 *  - catalog: entity pages, where the CNPG Backups card (overview) and "Backups" tab appear
 *    for entities annotated with `cnpg.io/cluster`;
 *  - scaffolder: /create, where "Restore…" opens the restore-cnpg-database template;
 *  - cnpg-backups: the /alpha entry of the plugin (API, entity card, entity content);
 *  - signIn: two guest-like sign-ins, "Guest" (owns the demo databases) and "Visitor" (owns
 *    none), to show both sides of the portal's permission policy.
 * The legacy way of plugging in the same plugin is in ./cnpg/legacyCnpgBackupsPlugin.tsx.
 */
export default createApp({
  features: [
    catalogPlugin,
    scaffolderPlugin,
    cnpgBackupsPlugin,
    navModule,
    homeModule,
    signInModule,
  ],
});
