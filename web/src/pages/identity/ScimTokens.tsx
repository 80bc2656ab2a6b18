import { useCallback, useEffect, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import Flashbar from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { explain, useFlash } from '../../feedback.js';
import { identity, type ScimToken } from '../../identity-api.js';
import { ConfirmModal } from '../ConfirmModal.js';
import { ShownOnce } from '../ShownOnce.js';
import { singleSelection } from '../../selection.js';

/** The SCIM base URL an identity provider is given: Belfry's own address, as the console is served from it. */

/**
 * SCIM tokens: the bearer tokens Okta or Microsoft Entra provisions this account's users with. A
 * token is shown once, when created; revoking it stops it at once.
 */
export default function ScimTokens({ accountId }: { accountId: string }) {
  const [tokens, setTokens] = useState<ScimToken[]>();
  const [selected, setSelected] = useState<ScimToken[]>([]);
  const [dialog, setDialog] = useState<'create' | 'revoke'>();
  const [name, setName] = useState('');
  const [dialogError, setDialogError] = useState<string>();
  const [minted, setMinted] = useState<{ name: string; token: string }>();
  // BELFRY_PUBLIC_URL's, as Belfry answers it (the console's own address may be a proxy's)
  const [baseUrl, setBaseUrl] = useState<string>();
  const flash = useFlash();
  const { say, clear } = flash;

  const load = useCallback(async () => {
    try {
      const listed = await identity.listScimTokens(accountId);
      setTokens(listed.ScimTokens);
      setBaseUrl(listed.ScimBaseUrl);
    } catch (e) {
      setTokens([]);
      say('error', explain('list the SCIM tokens', e));
    }
  }, [accountId, say]);
  useEffect(() => void load(), [load]);

  const one = selected[0];
  const open = (next: 'create' | 'revoke') => {
    setName('');
    setDialogError(undefined);
    setDialog(next);
  };
  const create = async () => {
    try {
      const r = await identity.createScimToken(accountId, name.trim());
      clear();
      setMinted({ name: r.ScimToken.Name, token: r.Token });
      setDialog(undefined);
      await load();
    } catch (e) {
      setDialogError(explain('create the token', e));
      throw e;
    }
  };
  const revoke = async (t: ScimToken) => {
    try {
      await identity.revokeScimToken(accountId, t.TokenId);
      setDialog(undefined);
      setSelected([]);
      say('success', `SCIM token ${t.Name} revoked. Your identity provider can no longer use it.`);
      await load();
    } catch (e) {
      setDialogError(explain('revoke the token', e));
      throw e;
    }
  };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      {minted && (
        <ShownOnce
          header={`SCIM token ${minted.name} created`}
          items={[
            { label: 'SCIM base URL', value: baseUrl ?? '' },
            { label: 'Token', value: minted.token },
          ]}
          onDismiss={() => setMinted(undefined)}
        />
      )}
      <Table
        variant="full-page"
        items={tokens ?? []}
        loading={tokens === undefined}
        loadingText="Loading SCIM tokens"
        wrapLines
        {...singleSelection(selected, setSelected, {
          label: 'SCIM tokens',
          noun: 'a token',
          name: (t) => t.Name,
        })}
        isItemDisabled={(t) => Boolean(t.RevokedTimestamp)}
        trackBy="TokenId"
        header={
          <Header
            variant="h1"
            counter={tokens ? `(${tokens.length})` : undefined}
            description={`Tokens your identity provider (Okta, Microsoft Entra) provisions users with, at ${baseUrl ?? '…'}.`}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!one} onClick={() => open('revoke')}>
                  Revoke
                </Button>
                <Button variant="primary" onClick={() => open('create')}>
                  Create token
                </Button>
              </SpaceBetween>
            }
          >
            SCIM tokens
          </Header>
        }
        empty="No SCIM tokens. Choose Create token to connect your identity provider's provisioning."
        columnDefinitions={[
          { id: 'name', header: 'Name', cell: (t) => t.Name },
          { id: 'created', header: 'Created', cell: (t) => t.CreatedTimestamp },
          { id: 'by', header: 'Created by', cell: (t) => t.CreatedBy },
          { id: 'used', header: 'Last used', cell: (t) => t.LastUsedTimestamp ?? 'Never' },
          {
            id: 'state',
            header: 'Status',
            cell: (t) =>
              t.RevokedTimestamp ? (
                <StatusIndicator type="stopped">Revoked {t.RevokedTimestamp}</StatusIndicator>
              ) : (
                <StatusIndicator type="success">Active</StatusIndicator>
              ),
          },
        ]}
      />
      {dialog === 'create' && (
        <ConfirmModal
          title="Create SCIM token"
          action="Create token"
          ready={name.trim() !== ''}
          onCancel={() => setDialog(undefined)}
          onConfirm={create}
          error={dialogError}
        >
          <FormField
            label="Name"
            description="Which identity provider, or which app in it, uses the token."
            controlId="token-name"
          >
            <Input controlId="token-name" value={name} onChange={(e) => setName(e.detail.value)} />
          </FormField>
        </ConfirmModal>
      )}
      {dialog === 'revoke' && one && (
        <ConfirmModal
          title="Revoke SCIM token"
          action="Revoke"
          ready
          onCancel={() => setDialog(undefined)}
          onConfirm={() => revoke(one)}
          error={dialogError}
        >
          Revoke <b>{one.Name}</b>? Your identity provider&apos;s requests with it are refused at once, and
          users stop being provisioned until you give it a new token.
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
}
