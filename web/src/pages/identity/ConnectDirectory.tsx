import { useState } from 'react';
import Checkbox from '@cloudscape-design/components/checkbox';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { explain } from '../../feedback.js';
import { identity, type Connection, type ConnectInput } from '../../identity-api.js';
import { ConfirmModal } from '../ConfirmModal.js';

type Kind = ConnectInput['Type'];

/** One labelled text field of a connect form. */
function Field(props: {
  id: string;
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  secret?: boolean;
  placeholder?: string;
}) {
  return (
    <FormField label={props.label} description={props.description} controlId={props.id}>
      <Input
        controlId={props.id}
        type={props.secret ? 'password' : 'text'}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.detail.value)}
      />
    </FormField>
  );
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** ConnectDirectory's body from the form: the empty optional fields left out, so Belfry's defaults apply. */
function inputOf(kind: Kind, f: Record<string, string>, startTls: boolean): ConnectInput {
  const optional = (key: string, value: string) => (value.trim() ? { [key]: value.trim() } : {});
  if (kind === 'OpenIdConnect')
    return {
      Type: kind,
      Issuer: f.issuer!.trim(),
      ClientId: f.clientId!.trim(),
      ClientSecret: f.clientSecret!,
      ...optional('GroupsClaim', f.groupsClaim!),
    };
  return {
    Type: kind,
    Urls: lines(f.urls!),
    BindDn: f.bindDn!.trim(),
    BindPassword: f.bindPassword!,
    BaseDn: f.baseDn!.trim(),
    StartTls: startTls,
    ...optional('UserFilter', f.userFilter!),
    ...optional('CaPem', f.caPem!),
  };
}

const EMPTY = {
  urls: '',
  bindDn: '',
  bindPassword: '',
  baseDn: '',
  userFilter: '',
  caPem: '',
  issuer: '',
  clientId: '',
  clientSecret: '',
  groupsClaim: '',
};

/**
 * Connect (or change) the account's directory: Active Directory over LDAP, or an OpenID provider
 * (Okta, Microsoft Entra) for sign-in. Belfry checks every field; its refusal shows in the dialog.
 */
export function ConnectDirectory(props: {
  accountId: string;
  kind: Kind;
  onCancel: () => void;
  onDone: (connection: Connection) => void;
}) {
  const [f, setF] = useState(EMPTY);
  const [startTls, setStartTls] = useState(false);
  const [error, setError] = useState<string>();
  const set = (key: keyof typeof EMPTY) => (value: string) => setF((old) => ({ ...old, [key]: value }));
  const ad = props.kind === 'ActiveDirectory';

  const connect = async () => {
    try {
      const { Directory } = await identity.connect(props.accountId, inputOf(props.kind, f, startTls));
      props.onDone(Directory);
    } catch (e) {
      setError(explain('connect the directory', e));
      throw e;
    }
  };

  return (
    <ConfirmModal
      title={ad ? 'Connect Active Directory' : 'Connect an OpenID provider'}
      action="Connect"
      ready
      onCancel={props.onCancel}
      onConfirm={connect}
      error={error}
    >
      {ad ? (
        <SpaceBetween size="m">
          <FormField
            label="Domain controller URLs"
            description="ldaps:// (or ldap:// with StartTLS) addresses, one a line, tried in order."
            controlId="ad-urls"
          >
            <Textarea
              controlId="ad-urls"
              value={f.urls}
              placeholder="ldaps://dc1.corp.example.com"
              onChange={(e) => set('urls')(e.detail.value)}
            />
          </FormField>
          <Field
            id="ad-bind-dn"
            label="Bind DN"
            description="The service account Belfry reads the directory as."
            value={f.bindDn}
            onChange={set('bindDn')}
            placeholder="CN=belfry,OU=Service Accounts,DC=corp,DC=example,DC=com"
          />
          <Field
            id="ad-bind-password"
            label="Bind password"
            description="Kept sealed; never shown again."
            value={f.bindPassword}
            onChange={set('bindPassword')}
            secret
          />
          <Field
            id="ad-base-dn"
            label="Base DN"
            description="Where users and groups are searched."
            value={f.baseDn}
            onChange={set('baseDn')}
            placeholder="DC=corp,DC=example,DC=com"
          />
          <Field
            id="ad-user-filter"
            label="User filter (optional)"
            description="An LDAP filter in parentheses; empty for every user object."
            value={f.userFilter}
            onChange={set('userFilter')}
          />
          <Checkbox checked={startTls} onChange={(e) => setStartTls(e.detail.checked)}>
            Use StartTLS on ldap:// addresses
          </Checkbox>
          <FormField
            label="CA certificate (optional)"
            description="The PEM of the CA that signed the domain controllers' certificates, when not a public one."
            controlId="ad-ca"
          >
            <Textarea
              controlId="ad-ca"
              value={f.caPem}
              placeholder="-----BEGIN CERTIFICATE-----"
              onChange={(e) => set('caPem')(e.detail.value)}
            />
          </FormField>
        </SpaceBetween>
      ) : (
        <SpaceBetween size="m">
          <Field
            id="idp-issuer"
            label="Issuer"
            description="The provider's issuer URL (its discovery document is read from it)."
            value={f.issuer}
            onChange={set('issuer')}
            placeholder="https://example.okta.com"
          />
          <Field id="idp-client-id" label="Client ID" value={f.clientId} onChange={set('clientId')} />
          <Field
            id="idp-client-secret"
            label="Client secret"
            description="Kept sealed; never shown again."
            value={f.clientSecret}
            onChange={set('clientSecret')}
            secret
          />
          <Field
            id="idp-groups-claim"
            label="Groups claim (optional)"
            description="The ID token claim that lists the person's groups; empty for groups."
            value={f.groupsClaim}
            onChange={set('groupsClaim')}
          />
        </SpaceBetween>
      )}
    </ConfirmModal>
  );
}
