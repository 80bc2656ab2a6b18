import { useCallback, useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Flashbar from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Textarea from '@cloudscape-design/components/textarea';
import { ApiError } from '../api.js';
import { belfry, type AppClient, type AppWebhook } from '../console-api.js';
import { useFlash } from '../flash.js';
import { ConfirmModal } from './ConfirmModal.js';
import { ShownOnce } from './ShownOnce.js';
import { singleSelection } from '../selection.js';

type Dialog = 'create' | 'delete' | 'webhook' | 'remove-webhook';
type Listed = AppClient & { webhook?: AppWebhook };
const AUTH_METHODS = [
  { value: 'client_secret_basic', label: 'client_secret_basic (HTTP Basic)' },
  { value: 'client_secret_post', label: 'client_secret_post (in the form)' },
];

/** The client's webhook, or undefined when it has none (GetAppWebhook answers NotFound). */
const webhookOf = (clientId: string) =>
  belfry.getWebhook(clientId).then(
    (r) => r.Webhook,
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    },
  );

/**
 * App clients: the apps that sign people in through Belfry (OpenID Connect), and the webhook each
 * receives entitlement changes at. They serve every account, so this is an operator's page.
 */
export default function AppClients() {
  const [clients, setClients] = useState<Listed[]>();
  const [forbidden, setForbidden] = useState<string>();
  const [selected, setSelected] = useState<Listed[]>([]);
  const [dialog, setDialog] = useState<Dialog>();
  const [name, setName] = useState('');
  const [uris, setUris] = useState('');
  const [method, setMethod] = useState(AUTH_METHODS[0]!);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<{ header: string; items: { label: string; value: string }[] }>();
  const { flash, say, clear } = useFlash();

  const load = useCallback(async () => {
    try {
      const { AppClients } = await belfry.listAppClients();
      const hooks = await Promise.all(AppClients.map((c) => webhookOf(c.ClientId)));
      setClients(AppClients.map((c, i) => ({ ...c, webhook: hooks[i] })));
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setForbidden(e.message);
      else say('error', `Could not list the app clients: ${(e as Error).message}`);
      setClients([]);
    }
  }, [say]);
  useEffect(() => void load(), [load]);

  const one = selected[0];
  const open = (next: Dialog) => {
    setName('');
    setUris('');
    setUrl(next === 'webhook' ? (one?.webhook?.Url ?? '') : '');
    setMethod(AUTH_METHODS[0]!);
    setDialog(next);
  };
  /**
   * Runs a change; on success closes the dialog, says what happened (unless a secret shown once
   * already says it) and lists again; on failure says why and stays.
   */
  const run = async (change: () => Promise<string | undefined>) => {
    try {
      const done = await change();
      clear();
      if (done) say('success', done);
      setDialog(undefined);
      setSelected([]);
      await load();
    } catch (e) {
      say('error', (e as Error).message);
      throw e;
    }
  };
  const redirectUris = uris
    .split('\n')
    .map((u) => u.trim())
    .filter(Boolean);

  if (forbidden)
    return (
      <SpaceBetween size="m">
        <Header variant="h1">App clients</Header>
        <Alert type="info" header="Only an operator manages app clients">
          App clients serve every account, so they need an administrator with FullAccess who is not limited to
          one account. ({forbidden})
        </Alert>
      </SpaceBetween>
    );

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash} />
      {secret && <ShownOnce {...secret} onDismiss={() => setSecret(undefined)} />}
      <Table
        variant="full-page"
        items={clients ?? []}
        loading={clients === undefined}
        loadingText="Loading app clients"
        {...singleSelection(selected, setSelected, {
          label: 'App clients',
          noun: 'an app client',
          name: (c) => c.Name,
        })}
        trackBy="ClientId"
        header={
          <Header
            variant="h1"
            counter={clients ? `(${clients.length})` : undefined}
            description="Apps that sign people in through Belfry, and where each receives entitlement changes."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!one} onClick={() => open('webhook')}>
                  Set webhook
                </Button>
                <Button disabled={!one?.webhook} onClick={() => open('remove-webhook')}>
                  Remove webhook
                </Button>
                <Button disabled={!one} onClick={() => open('delete')}>
                  Delete
                </Button>
                <Button variant="primary" onClick={() => open('create')}>
                  Create app client
                </Button>
              </SpaceBetween>
            }
          >
            App clients
          </Header>
        }
        empty="No app clients. Choose Create app client to register an app."
        columnDefinitions={[
          { id: 'name', header: 'Name', cell: (c) => c.Name },
          { id: 'id', header: 'Client ID', cell: (c) => c.ClientId },
          { id: 'uris', header: 'Redirect URIs', cell: (c) => c.RedirectUris.join(' ') },
          { id: 'method', header: 'Client authentication', cell: (c) => c.TokenEndpointAuthMethod },
          { id: 'webhook', header: 'Webhook', cell: (c) => c.webhook?.Url ?? 'None' },
          { id: 'created', header: 'Created', cell: (c) => c.CreatedTimestamp },
        ]}
      />
      {dialog === 'create' && (
        <ConfirmModal
          title="Create app client"
          action="Create app client"
          ready={name.trim() !== '' && redirectUris.length > 0}
          onCancel={() => setDialog(undefined)}
          onConfirm={() =>
            run(async () => {
              const { AppClient: c } = await belfry.createAppClient({
                Name: name.trim(),
                RedirectUris: redirectUris,
                TokenEndpointAuthMethod: method.value,
              });
              setSecret({
                header: `App client ${c.Name} registered`,
                items: [
                  { label: 'Client ID', value: c.ClientId },
                  { label: 'Client secret', value: c.ClientSecret ?? '' },
                ],
              });
              return undefined;
            })
          }
        >
          <SpaceBetween size="m">
            <FormField
              label="Name"
              description="Shown to people when they sign in to the app."
              controlId="client-name"
            >
              <Input controlId="client-name" value={name} onChange={(e) => setName(e.detail.value)} />
            </FormField>
            <FormField
              label="Redirect URIs"
              description="Where Belfry may send people back after sign-in: one address a line, at most 10."
              controlId="client-uris"
            >
              <Textarea
                controlId="client-uris"
                value={uris}
                onChange={(e) => setUris(e.detail.value)}
                placeholder="https://app.example.com/callback"
              />
            </FormField>
            <FormField label="Client authentication" controlId="client-method">
              <Select
                controlId="client-method"
                selectedOption={method}
                options={AUTH_METHODS}
                onChange={(e) => setMethod(e.detail.selectedOption as (typeof AUTH_METHODS)[number])}
              />
            </FormField>
          </SpaceBetween>
        </ConfirmModal>
      )}
      {dialog === 'delete' && one && (
        <ConfirmModal
          title="Delete app client"
          action="Delete"
          ready
          onCancel={() => setDialog(undefined)}
          onConfirm={() =>
            run(async () => {
              await belfry.deleteAppClient(one.ClientId);
              return `App client ${one.Name} deleted. Its tokens no longer work.`;
            })
          }
        >
          Delete <b>{one.Name}</b>? People can no longer sign in to the app through Belfry, and the tokens it
          holds stop working at once.
        </ConfirmModal>
      )}
      {dialog === 'webhook' && one && (
        <ConfirmModal
          title="Set webhook"
          action="Set webhook"
          ready={url.trim() !== ''}
          onCancel={() => setDialog(undefined)}
          onConfirm={() =>
            run(async () => {
              const { Webhook: w } = await belfry.putWebhook(one.ClientId, url.trim());
              setSecret({
                header: `Entitlement changes for ${one.Name} go to ${w.Url}`,
                items: [
                  { label: 'URL', value: w.Url },
                  { label: 'Signing secret', value: w.SigningSecret ?? '' },
                ],
              });
              return undefined;
            })
          }
        >
          <FormField
            label="URL"
            description="An https address (plain http only to a loopback address). Setting it again replaces the URL and its signing secret."
            controlId="webhook-url"
          >
            <Input controlId="webhook-url" value={url} onChange={(e) => setUrl(e.detail.value)} />
          </FormField>
        </ConfirmModal>
      )}
      {dialog === 'remove-webhook' && one && (
        <ConfirmModal
          title="Remove webhook"
          action="Remove"
          ready
          onCancel={() => setDialog(undefined)}
          onConfirm={() =>
            run(async () => {
              await belfry.deleteWebhook(one.ClientId);
              return `${one.Name} no longer receives entitlement changes.`;
            })
          }
        >
          Stop sending entitlement changes for <b>{one.Name}</b> to {one.webhook?.Url}?
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
}
