import { useCallback, useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Flashbar from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { explain, useFlash } from '../../feedback.js';
import { identity, type Domain, type ReleaseEffect } from '../../identity-api.js';
import { ConfirmModal } from '../ConfirmModal.js';
import { Copyable } from '../Copyable.js';
import { singleSelection } from '../../selection.js';

const STATUS: Record<Domain['Status'], { type: StatusIndicatorProps.Type; text: string }> = {
  PendingVerification: { type: 'pending', text: 'Pending verification' },
  Verified: { type: 'success', text: 'Verified' },
  RecordMissing: { type: 'warning', text: 'Record missing' },
  Failed: { type: 'error', text: 'Failed' },
};

const OUTCOME: Record<ReleaseEffect['Outcome'], string> = {
  Released: 'Signed out, leaves the account (a free user again)',
  StaysSuspended: 'Signed out, stays suspended',
  Removed: 'Signed out, removed from the account',
};

/** The TXT record to publish for a claimed domain, each part copyable. */
function TxtRecord({ domain }: { domain: Domain }) {
  return (
    <KeyValuePairs
      columns={2}
      items={[
        {
          label: 'TXT record name',
          value: <Copyable label="TXT record name" value={domain.TxtRecordName} />,
        },
        {
          label: 'TXT record value',
          value: <Copyable label="TXT record value" value={domain.TxtRecordValue} />,
        },
      ]}
    />
  );
}

/**
 * Claimed domains: the email domains an Enterprise account holds. A claim answers the TXT record
 * to publish; Belfry checks it on its schedule or at Verify now; Release shows first whom it changes.
 */
export default function Domains({ accountId }: { accountId: string }) {
  const [domains, setDomains] = useState<Domain[]>();
  const [selected, setSelected] = useState<Domain[]>([]);
  const [claiming, setClaiming] = useState(false);
  const [name, setName] = useState('');
  const [claimError, setClaimError] = useState<string>();
  const [claimed, setClaimed] = useState<Domain>();
  const [release, setRelease] = useState<{ domain: Domain; effects?: ReleaseEffect[]; error?: string }>();
  const flash = useFlash();
  const { say, clear } = flash;

  const load = useCallback(async () => {
    try {
      setDomains((await identity.listDomains(accountId)).Domains);
    } catch (e) {
      setDomains([]);
      say('error', explain('list the claimed domains', e));
    }
  }, [accountId, say]);
  useEffect(() => void load(), [load]);

  const one = selected[0];
  const claim = async () => {
    try {
      const { Domain: d } = await identity.claimDomain(accountId, name.trim());
      clear();
      setClaiming(false);
      setClaimed(d);
      await load();
    } catch (e) {
      setClaimError(explain('claim the domain', e));
      throw e;
    }
  };
  const verify = async (d: Domain) => {
    say('in-progress', `Looking up the TXT record of ${d.DomainName}…`);
    try {
      const { Domain: after } = await identity.verifyDomain(accountId, d.DomainName);
      if (after.Status === 'Verified') say('success', `${d.DomainName} is verified.`);
      else
        say(
          'warning',
          `${d.DomainName} is not verified yet: ${after.LastCheckResult ?? STATUS[after.Status].text}. Publish the TXT record and try again; DNS changes can take a while to be seen.`,
        );
      await load();
    } catch (e) {
      say('error', explain(`verify ${d.DomainName}`, e));
    }
  };
  const openRelease = (d: Domain) => {
    setRelease({ domain: d });
    identity.previewRelease(accountId, d.DomainName).then(
      (r) => setRelease({ domain: d, effects: r.AffectedUsers }),
      (e) => setRelease({ domain: d, effects: [], error: explain('preview the release', e) }),
    );
  };
  const doRelease = async (d: Domain) => {
    try {
      const r = await identity.releaseDomain(accountId, d.DomainName);
      setRelease(undefined);
      setSelected([]);
      const n = r.AffectedUsers.length;
      say('success', `${d.DomainName} released. ${n} user${n === 1 ? '' : 's'} changed.`);
      await load();
    } catch (e) {
      setRelease({ ...release!, error: explain('release the domain', e) });
      throw e;
    }
  };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      {claimed && (
        <Alert
          type="success"
          header={`${claimed.DomainName} claimed: publish this TXT record`}
          dismissible
          i18nStrings={{ dismissAriaLabel: 'Dismiss' }}
          onDismiss={() => setClaimed(undefined)}
        >
          <SpaceBetween size="s">
            <Box>
              Add the TXT record below at your DNS provider, then choose Verify now. Belfry also checks on its
              own until {claimed.VerificationDeadline}.
            </Box>
            <TxtRecord domain={claimed} />
          </SpaceBetween>
        </Alert>
      )}
      <Table
        variant="full-page"
        items={domains ?? []}
        loading={domains === undefined}
        loadingText="Loading claimed domains"
        wrapLines
        {...singleSelection(selected, setSelected, {
          label: 'Claimed domains',
          noun: 'a domain',
          name: (d) => d.DomainName,
        })}
        trackBy="DomainName"
        header={
          <Header
            variant="h1"
            counter={domains ? `(${domains.length})` : undefined}
            description="The email domains this account holds. A verified domain's people can only be members of this account."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!one || one.Status === 'Verified'} onClick={() => one && void verify(one)}>
                  Verify now
                </Button>
                <Button disabled={!one} onClick={() => one && openRelease(one)}>
                  Release
                </Button>
                <Button
                  variant="primary"
                  onClick={() => {
                    setName('');
                    setClaimError(undefined);
                    setClaiming(true);
                  }}
                >
                  Claim a domain
                </Button>
              </SpaceBetween>
            }
          >
            Claimed domains
          </Header>
        }
        empty="No domain claimed. Choose Claim a domain to add your organisation's email domain."
        columnDefinitions={[
          { id: 'name', header: 'Domain', cell: (d) => d.DomainName },
          {
            id: 'status',
            header: 'Status',
            cell: (d) => (
              <StatusIndicator type={STATUS[d.Status].type}>{STATUS[d.Status].text}</StatusIndicator>
            ),
          },
          { id: 'txt-name', header: 'TXT record name', cell: (d) => d.TxtRecordName },
          { id: 'txt-value', header: 'TXT record value', cell: (d) => d.TxtRecordValue },
          {
            id: 'checked',
            header: 'Last check',
            cell: (d) =>
              d.VerifiedBy === 'OperatorOverride'
                ? `Verified by the operator${d.OverrideReason ? `: ${d.OverrideReason}` : ''}`
                : d.LastCheckedTimestamp
                  ? `${d.LastCheckedTimestamp}${d.LastCheckResult ? `: ${d.LastCheckResult}` : ''}`
                  : 'Not checked yet',
          },
        ]}
      />
      {claiming && (
        <ConfirmModal
          title="Claim a domain"
          action="Claim"
          ready={name.trim() !== ''}
          onCancel={() => setClaiming(false)}
          onConfirm={claim}
          error={claimError}
        >
          <FormField
            label="Domain"
            description="Your organisation's email domain, such as example.com. Public mailbox providers cannot be claimed."
            controlId="domain-name"
          >
            <Input controlId="domain-name" value={name} onChange={(e) => setName(e.detail.value)} />
          </FormField>
        </ConfirmModal>
      )}
      {release && (
        <ConfirmModal
          title={`Release ${release.domain.DomainName}`}
          action="Release"
          ready={release.effects !== undefined}
          onCancel={() => setRelease(undefined)}
          onConfirm={() => doRelease(release.domain)}
          error={release.error}
        >
          {release.effects === undefined ? (
            <Spinner />
          ) : (
            <SpaceBetween size="s">
              <Box>
                Releasing gives up the domain: every affected user is signed out at once, and another account
                may claim it. Pending invitees and users on other domains are untouched.{' '}
                {release.effects.length === 0 ? 'No user changes.' : 'These users change:'}
              </Box>
              {release.effects.length > 0 && (
                <Table
                  variant="embedded"
                  ariaLabels={{ tableLabel: 'Users the release changes' }}
                  items={release.effects}
                  columnDefinitions={[
                    { id: 'email', header: 'Email', cell: (u) => u.PrimaryEmail },
                    { id: 'status', header: 'Status', cell: (u) => u.RegistrationStatus },
                    { id: 'outcome', header: 'What happens', cell: (u) => OUTCOME[u.Outcome] },
                  ]}
                />
              )}
            </SpaceBetween>
          )}
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
}
