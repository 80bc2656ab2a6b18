import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

export async function up(db: Kysely<unknown>): Promise<void> {
  // The operator's inventory. The id is the E.164 number itself, as in Chime.
  await db.schema
    .createTable('phone_numbers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('number_type', 'text', (c) => c.notNull())
    .addColumn('product_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('calling_name', 'text')
    .addColumn('calling_name_status', 'text', (c) => c.notNull())
    .addColumn('calling_name_updated_at', 'text')
    .addColumn('account_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('associated_at', 'text')
    .addColumn('order_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('release_after', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Keyset pages of the inventory by status, by product type, by both, and by association.
  await db.schema.createIndex('phone_numbers_status').on('phone_numbers').columns(['status', 'id']).execute();
  await db.schema
    .createIndex('phone_numbers_product')
    .on('phone_numbers')
    .columns(['product_type', 'id'])
    .execute();
  await db.schema
    .createIndex('phone_numbers_status_product')
    .on('phone_numbers')
    .columns(['status', 'product_type', 'id'])
    .execute();
  await db.schema
    .createIndex('phone_numbers_account')
    .on('phone_numbers')
    .columns(['account_id', 'id'])
    .execute();
  // A user holds at most one number: the database refuses a second, whatever races above it.
  await db.schema
    .createIndex('phone_numbers_one_per_user')
    .unique()
    .on('phone_numbers')
    .column('user_id')
    .where(sql.ref('user_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('phone_number_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('phone_number_order_items')
    .addColumn('order_id', 'text', (c) =>
      c.notNull().references('phone_number_orders.id').onDelete('cascade'),
    )
    .addColumn('e164', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('phone_number_order_items_pk', ['order_id', 'e164'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('phone_number_order_items').execute();
  await db.schema.dropTable('phone_number_orders').execute();
  await db.schema.dropTable('phone_numbers').execute();
}
