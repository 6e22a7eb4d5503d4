import type { Knex } from 'knex';

/**
 * The stored answers (package `analysis`, answer-store.ts): computed once
 * by the job that changes `postings` (a finished load, or `analyze`) and
 * read by every page, so no request scans `postings`. One set at a time;
 * each child row names its set, so a new set and the removal of the old
 * one commit together. Days and months are 'YYYY-MM-DD' / 'YYYY-MM' text:
 * compared as text, identical on both engines, never turned into a local
 * JS Date by a driver.
 */
export async function up(knex: Knex): Promise<void> {
  // knex types the client config as any; only its name matters here.
  const client: unknown = (knex.client as { config?: { client?: unknown } }).config?.client;
  const mysql = client !== 'better-sqlite3';
  const binary = (t: Knex.CreateTableBuilder): void => {
    if (mysql) {
      t.charset('utf8mb4');
      t.collate('utf8mb4_bin');
    }
  };
  await knex.schema.createTable('answer_sets', (t) => {
    binary(t);
    t.increments('id').primary();
    t.integer('load_run_id')
      .unsigned()
      .nullable()
      .references('id')
      .inTable('load_runs')
      .comment('the load that produced them; NULL when analyze ran with no finished load');
    t.dateTime('computed_at', { precision: 0 }).notNullable().comment('UTC');
  });
  await knex.schema.createTable('answer_category', (t) => {
    binary(t);
    t.integer('answer_set_id').unsigned().notNullable().references('id').inTable('answer_sets').onDelete('CASCADE');
    t.string('category', 25).notNullable();
    t.integer('postings').notNullable().comment('question 1: postings with price > 0 and area > 0');
    t.double('avg_price_per_m2').nullable().comment('question 1: mean price / area; NULL without usable postings');
    t.double('median_price_per_m2').nullable().comment('question 1: median price / area');
    t.integer('online_postings').notNullable().comment('question 2: postings with status ONLINE');
    t.primary(['answer_set_id', 'category']);
  });
  await knex.schema.createTable('answer_months', (t) => {
    binary(t);
    t.integer('answer_set_id').unsigned().notNullable().references('id').inTable('answer_sets').onDelete('CASCADE');
    t.string('month', 7).notNullable().comment("'YYYY-MM', UTC; only months with postings");
    t.integer('postings').notNullable().comment('postings created in the month');
    t.primary(['answer_set_id', 'month']);
  });
  await knex.schema.createTable('answer_daily_counts', (t) => {
    binary(t);
    t.integer('answer_set_id').unsigned().notNullable().references('id').inTable('answer_sets').onDelete('CASCADE');
    t.string('day', 10).notNullable().comment("'YYYY-MM-DD', UTC; every day of every month in answer_months, 0 included");
    t.integer('postings').notNullable().comment('postings created that day');
    t.primary(['answer_set_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['answer_daily_counts', 'answer_months', 'answer_category', 'answer_sets']) {
    await knex.schema.dropTableIfExists(table);
  }
}
