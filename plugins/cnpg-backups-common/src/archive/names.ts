/*
 * The names CNPG and the Barman Cloud plugin give to the things we read. One home: every package
 * imports them from here (fix snippets interpolate them, so the text stays exactly as before).
 */

/** The CNPG-I plugin name of Barman Cloud (`spec.plugins[].name`). @public */
export const BARMAN_CLOUD_PLUGIN_NAME = 'barman-cloud.cloudnative-pg.io';

/** The CustomResourceDefinition of the plugin's ObjectStore. @public */
export const OBJECTSTORE_CRD_NAME = 'objectstores.barmancloud.cnpg.io';
