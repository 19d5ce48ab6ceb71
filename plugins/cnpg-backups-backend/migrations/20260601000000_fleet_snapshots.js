// @ts-check

/*
 * Fleet snapshots (issue 12). Three tables:
 * - cnpg_fleet_databases: one row per database, its latest snapshot as JSON (what the fleet
 *   page reads) plus a small integer key the history rows refer to.
 * - cnpg_fleet_history: one compact row per database per refresh (key, instant, health,
 *   recoverable, exposure): the 30-day ratio and the exposure chart.
 * - cnpg_fleet_refreshes: one row per refresh run (when, how many databases, S3 requests).
 * No secret is stored: the snapshot JSON holds ids, levels, instants, counts and diagnosis texts.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cnpg_fleet_databases', table => {
    table.increments('key').primary();
    table.string('database_id', 512).notNullable().unique();
    table.string('kubernetes_cluster', 255).notNullable();
    table.bigInteger('taken_at_ms').notNullable();
    table.text('row').notNullable();
  });
  await knex.schema.createTable('cnpg_fleet_history', table => {
    table.bigIncrements('id').primary();
    table.integer('database_key').notNullable();
    table.bigInteger('taken_at_ms').notNullable();
    table.string('health', 8).notNullable();
    table.boolean('recoverable').notNullable();
    table.integer('exposure_seconds').nullable();
    table.index(['database_key', 'taken_at_ms'], 'cnpg_fleet_history_db_time');
    table.index(['taken_at_ms'], 'cnpg_fleet_history_time');
  });
  await knex.schema.createTable('cnpg_fleet_refreshes', table => {
    table.increments('id').primary();
    table.bigInteger('started_at_ms').notNullable();
    table.bigInteger('finished_at_ms').notNullable();
    table.integer('databases').notNullable();
    table.integer('s3_requests').notNullable();
    table.integer('failures').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cnpg_fleet_refreshes');
  await knex.schema.dropTable('cnpg_fleet_history');
  await knex.schema.dropTable('cnpg_fleet_databases');
};
