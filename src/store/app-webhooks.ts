import { isForeignKeyViolation, type Db } from './database.js';
import type { AppWebhooksTable } from './schema.js';

export interface AppWebhookRecord {
  clientId: string;
  url: string;
  secretSealed: string;
  createdAt: string;
  updatedAt: string;
}

const toRecord = (row: AppWebhooksTable): AppWebhookRecord => ({
  clientId: row.client_id,
  url: row.url,
  secretSealed: row.secret_sealed,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Sets the app's one webhook, replacing an earlier address and secret. False when the app is
 * gone: deleted by another request since the caller looked it up (its key no longer matches).
 */
export async function upsertAppWebhook(db: Db, webhook: AppWebhookRecord): Promise<boolean> {
  try {
    await upsert(db, webhook);
    return true;
  } catch (error) {
    if (isForeignKeyViolation(error)) return false;
    throw error;
  }
}

async function upsert(db: Db, webhook: AppWebhookRecord): Promise<void> {
  await db
    .insertInto('app_webhooks')
    .values({
      client_id: webhook.clientId,
      url: webhook.url,
      secret_sealed: webhook.secretSealed,
      created_at: webhook.createdAt,
      updated_at: webhook.updatedAt,
    })
    .onConflict((oc) =>
      oc.column('client_id').doUpdateSet({
        url: webhook.url,
        secret_sealed: webhook.secretSealed,
        updated_at: webhook.updatedAt,
      }),
    )
    .execute();
}

export async function findAppWebhook(db: Db, clientId: string): Promise<AppWebhookRecord | undefined> {
  const row = await db
    .selectFrom('app_webhooks')
    .selectAll()
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function listAppWebhooks(db: Db): Promise<AppWebhookRecord[]> {
  const rows = await db.selectFrom('app_webhooks').selectAll().orderBy('client_id').execute();
  return rows.map(toRecord);
}

/** Returns false when the app had no webhook. */
export async function deleteAppWebhook(db: Db, clientId: string): Promise<boolean> {
  const result = await db.deleteFrom('app_webhooks').where('client_id', '=', clientId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
