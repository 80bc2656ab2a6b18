import type { Db } from './database.js';
import type { ProductType } from './phone-numbers.js';

export type OrderStatus = 'Processing' | 'Successful' | 'Failed' | 'Partial';
export type OrderedNumberStatus = 'Processing' | 'Acquired' | 'Failed';

export interface PhoneOrderRecord {
  id: string;
  productType: ProductType;
  status: OrderStatus;
  numbers: Array<{ e164: string; status: OrderedNumberStatus; reason: string | undefined }>;
  createdAt: string;
  updatedAt: string;
}

export async function insertPhoneOrder(db: Db, order: PhoneOrderRecord): Promise<void> {
  await db
    .insertInto('phone_number_orders')
    .values({
      id: order.id,
      product_type: order.productType,
      status: order.status,
      created_at: order.createdAt,
      updated_at: order.updatedAt,
    })
    .execute();
  if (order.numbers.length > 0)
    await db
      .insertInto('phone_number_order_items')
      .values(
        order.numbers.map((n) => ({
          order_id: order.id,
          e164: n.e164,
          status: n.status,
          reason: n.reason ?? null,
        })),
      )
      .execute();
}

export async function findPhoneOrder(db: Db, id: string): Promise<PhoneOrderRecord | undefined> {
  const order = await db
    .selectFrom('phone_number_orders')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!order) return undefined;
  const items = await db
    .selectFrom('phone_number_order_items')
    .selectAll()
    .where('order_id', '=', id)
    .orderBy('e164')
    .execute();
  return {
    id: order.id,
    productType: order.product_type as ProductType,
    status: order.status as OrderStatus,
    numbers: items.map((i) => ({
      e164: i.e164,
      status: i.status as OrderedNumberStatus,
      reason: i.reason ?? undefined,
    })),
    createdAt: order.created_at,
    updatedAt: order.updated_at,
  };
}

/** A page of orders in id (creation) order. */
export async function listPhoneOrders(
  db: Db,
  afterId: string | undefined,
  limit: number,
): Promise<PhoneOrderRecord[]> {
  let query = db.selectFrom('phone_number_orders').select('id');
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  const ids = await query.orderBy('id').limit(limit).execute();
  const orders = await Promise.all(ids.map((r) => findPhoneOrder(db, r.id)));
  return orders.filter((o): o is PhoneOrderRecord => o !== undefined);
}

export async function updatePhoneOrder(
  db: Db,
  id: string,
  status: OrderStatus,
  numbers: Array<{ e164: string; status: OrderedNumberStatus; reason?: string | undefined }>,
  at: string,
): Promise<void> {
  await db.updateTable('phone_number_orders').set({ status, updated_at: at }).where('id', '=', id).execute();
  for (const n of numbers)
    await db
      .updateTable('phone_number_order_items')
      .set({ status: n.status, reason: n.reason ?? null })
      .where('order_id', '=', id)
      .where('e164', '=', n.e164)
      .execute();
}
