import type { Knex } from 'knex';

/**
 * What the load history needs beyond the counts: which process runs a load
 * (so a later load, or the server on the same host, can tell a live run from
 * one whose process was killed), a heartbeat for runs on other hosts, and
 * the rejected rows by reason.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('load_runs', (t) => {
    t.integer('pid').nullable().comment('process id of the loader; NULL for runs recorded before this column');
    t.string('hostname', 255).nullable().comment('os.hostname() of the loader; a pid means something only there');
    t.dateTime('heartbeat_at', { precision: 0 }).nullable().comment('UTC; last sign of life of a running load');
    t.string('rejected_by_reason', 1000).nullable().comment('JSON {reason: count} of the rejected rows; set when the run ends');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('load_runs', (t) => {
    t.dropColumn('pid');
    t.dropColumn('hostname');
    t.dropColumn('heartbeat_at');
    t.dropColumn('rejected_by_reason');
  });
}
