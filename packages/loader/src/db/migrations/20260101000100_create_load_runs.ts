import type { Knex } from 'knex';

/**
 * One row per load, written when it starts and completed when it ends, so a
 * run that died stays visible as `running` with no `finished_at`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('load_runs', (t) => {
    if ((knex.client as Knex.Client).config.client !== 'better-sqlite3') {
      t.charset('utf8mb4');
      t.collate('utf8mb4_bin');
    }
    t.increments('id').primary();
    t.string('file_name', 1024).notNullable().comment('input as given, or <stream>');
    t.bigInteger('file_bytes').nullable().comment('size of the input in bytes');
    t.string('file_sha256', 64).nullable().comment('sha256 of the bytes read; set when the run ends');
    t.dateTime('started_at', { precision: 0 }).notNullable().comment('UTC');
    t.dateTime('finished_at', { precision: 0 }).nullable().comment('UTC; NULL while running or if the run died');
    t.integer('rows_read').nullable();
    t.integer('rows_loaded').nullable();
    t.integer('rows_replaced').nullable();
    t.integer('rows_rejected').nullable();
    t.string('outcome', 16).notNullable().comment('running | finished | failed');
    t.string('error', 2000).nullable().comment('first line of the failure, if any');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('load_runs');
}
