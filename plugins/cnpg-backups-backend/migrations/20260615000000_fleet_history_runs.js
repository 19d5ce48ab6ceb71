// @ts-check

/*
 * Fleet history growth (issue 12): a history row is a run of identical observations (same health,
 * same "recoverable") of at most `cnpgBackups.fleet.historyIntervalMinutes`, instead of one row per
 * database per refresh.
 * - cnpg_fleet_history.samples: how many refreshes the row stands for (the 30-day ratio weighs
 *   rows by it, so the ratio still counts refreshes); last_taken_at_ms: its last refresh.
 *   exposure_seconds becomes the largest exposure seen in the run.
 * - cnpg_fleet_databases.history_id / history_started_ms: the database's open history row and
 *   when it started (so a refresh merges without reading the history table).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cnpg_fleet_history', table => {
    table.integer('samples').notNullable().defaultTo(1);
    table.bigInteger('last_taken_at_ms').nullable();
  });
  await knex.schema.alterTable('cnpg_fleet_databases', table => {
    table.bigInteger('history_id').nullable();
    table.bigInteger('history_started_ms').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cnpg_fleet_databases', table => {
    table.dropColumn('history_started_ms');
    table.dropColumn('history_id');
  });
  await knex.schema.alterTable('cnpg_fleet_history', table => {
    table.dropColumn('last_taken_at_ms');
    table.dropColumn('samples');
  });
};
