import { useState } from 'react';
import Button from '@cloudscape-design/components/button';
import type { User } from '../api.js';
import { allPages, belfry, type UserQuery } from '../console-api.js';
import { toCsv } from '../csv.js';
import { download } from '../download.js';

const EXPORT_PAGE = 200;

const COLUMNS: { header: string; value: (u: User) => unknown }[] = [
  { header: 'Email', value: (u) => u.PrimaryEmail },
  { header: 'Name', value: (u) => u.DisplayName },
  { header: 'Status', value: (u) => u.UserRegistrationStatus },
  { header: 'Invitation', value: (u) => u.UserInvitationStatus },
  { header: 'Permissions', value: (u) => u.LicenseType },
  { header: 'Invited', value: (u) => u.InvitedOn },
  { header: 'Joined', value: (u) => u.RegisteredOn },
  { header: 'User ID', value: (u) => u.UserId },
];

/** Every user the filters match (all pages, not only the one shown), as a CSV file with a header row. */
export function ExportUsers(props: {
  accountId: string;
  filters: Omit<UserQuery, 'maxResults' | 'nextToken'>;
  onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const users = await allPages(async (nextToken) => {
        const page = await belfry.listUsers(props.accountId, {
          ...props.filters,
          nextToken,
          maxResults: EXPORT_PAGE,
        });
        return { items: page.Users, nextToken: page.NextToken };
      });
      const day = new Date().toISOString().slice(0, 10);
      download(`users-${props.accountId}-${day}.csv`, toCsv(COLUMNS, users), 'text/csv');
    } catch (e) {
      props.onError(`Could not export the users: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button iconName="download" loading={busy} onClick={() => void run()}>
      Export CSV
    </Button>
  );
}
