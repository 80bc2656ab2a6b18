import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import AppLayout from '@cloudscape-design/components/app-layout';
import Spinner from '@cloudscape-design/components/spinner';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import { session, type Administrator } from './api.js';
import { BASE, followLink, navigate, usePath } from './router.js';
import { accountLinks, accountPage, isAccountRoute } from './navigation.js';
import { AdministratorContext } from './administrator.js';

// Each page is its own chunk: the first page loads only its own code.
const SignIn = lazy(() => import('./pages/SignIn.js'));
const Setup = lazy(() => import('./pages/Setup.js'));
const Accounts = lazy(() => import('./pages/Accounts.js'));
const Users = lazy(() => import('./pages/Users.js'));
const InviteUsers = lazy(() => import('./pages/InviteUsers.js'));
const UserDetails = lazy(() => import('./pages/UserDetails.js'));
const PhoneNumbers = lazy(() => import('./pages/PhoneNumbers.js'));
const ProvisionPhoneNumbers = lazy(() => import('./pages/ProvisionPhoneNumbers.js'));
const PhoneNumberOrder = lazy(() => import('./pages/PhoneNumberOrder.js'));
const Overview = lazy(() => import('./pages/Overview.js'));
const Settings = lazy(() => import('./pages/Settings.js'));
const AuditLog = lazy(() => import('./pages/AuditLog.js'));
const AppClients = lazy(() => import('./pages/AppClients.js'));
const Identity = lazy(() => import('./pages/identity/Identity.js'));

type Signed = Administrator | null | undefined;

/** /phone-numbers[/orders[/{id}] | /deletion-queue | /calling-name | /provision] */
function phoneRoute(part?: string, id?: string) {
  if (part === 'provision') return { page: 'provision' } as const;
  if (part === 'orders' && id) return { page: 'order', orderId: id } as const;
  const tab = part === 'orders' || part === 'deletion-queue' || part === 'calling-name' ? part : 'inventory';
  return { page: 'phone-numbers', tab } as const;
}

function route(path: string) {
  const [area, accountId, section, item] = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (area === 'accounts' && accountId && section === 'users') {
    if (item === 'invite') return { page: 'invite', accountId } as const;
    if (item) return { page: 'user', accountId, userId: item } as const;
    return { page: 'users', accountId } as const;
  }
  if (area === 'phone-numbers') return phoneRoute(accountId, section);
  if (area === 'accounts' && accountId) return accountPage(accountId, section, item);
  if (area === 'app-clients') return { page: 'app-clients' } as const;
  if (area === 'audit-log') return { page: 'installation-audit-log' } as const;
  return { page: 'accounts' } as const;
}

export function App() {
  const path = usePath();
  const [admin, setAdmin] = useState<Signed>(undefined);

  const refresh = useCallback(() => {
    session.current().then(
      (s) => setAdmin(s.Administrator),
      () => setAdmin(null),
    );
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    const out = () => setAdmin(null);
    window.addEventListener('belfry:signed-out', out);
    return () => window.removeEventListener('belfry:signed-out', out);
  }, []);

  const loading = <Spinner size="large" />;
  if (path.startsWith('/setup'))
    return (
      <Suspense fallback={loading}>
        <Setup
          onSignedIn={(a) => {
            setAdmin(a);
            navigate('/accounts');
          }}
        />
      </Suspense>
    );
  if (admin === undefined) return loading;
  if (admin === null)
    return (
      <Suspense fallback={loading}>
        <SignIn onSignedIn={setAdmin} />
      </Suspense>
    );

  const r = route(path);
  const signOut = async () => {
    await session.signOut().catch(() => undefined);
    setAdmin(null);
    navigate('/');
  };
  return (
    <AdministratorContext.Provider value={admin}>
      <TopNavigation
        identity={{ href: `${BASE}/accounts`, title: 'Belfry', onFollow: followLink }}
        utilities={[
          {
            type: 'menu-dropdown',
            text: admin.Email,
            description: `${admin.Policy}${admin.AccountId ? `, account ${admin.AccountId}` : ''}`,
            items: [{ id: 'signout', text: 'Sign out' }],
            onItemClick: () => void signOut(),
          },
        ]}
        i18nStrings={{ overflowMenuTriggerText: 'More', overflowMenuTitleText: 'All' }}
      />
      <AppLayout
        toolsHide
        ariaLabels={{
          navigation: 'Navigation',
          navigationClose: 'Close navigation',
          navigationToggle: 'Open navigation',
        }}
        navigation={
          <SideNavigation
            header={{ href: `${BASE}/accounts`, text: 'Belfry console' }}
            activeHref={BASE + path}
            onFollow={followLink}
            items={[
              { type: 'link', text: 'Accounts', href: `${BASE}/accounts` },
              { type: 'link', text: 'Phone number management', href: `${BASE}/phone-numbers` },
              { type: 'link', text: 'App clients', href: `${BASE}/app-clients` },
              // Every account's trail: for administrators not limited to one account.
              ...(admin.AccountId
                ? []
                : [{ type: 'link' as const, text: 'Audit log (all accounts)', href: `${BASE}/audit-log` }]),
              ...(isAccountRoute(r) ? [{ type: 'divider' as const }, ...accountLinks(r.accountId)] : []),
            ]}
          />
        }
        content={
          <Suspense fallback={loading}>
            {r.page === 'accounts' && <Accounts />}
            {r.page === 'users' && <Users accountId={r.accountId} />}
            {r.page === 'invite' && <InviteUsers accountId={r.accountId} />}
            {r.page === 'user' && <UserDetails accountId={r.accountId} userId={r.userId} />}
            {r.page === 'phone-numbers' && <PhoneNumbers tab={r.tab} />}
            {r.page === 'provision' && <ProvisionPhoneNumbers />}
            {r.page === 'order' && <PhoneNumberOrder orderId={r.orderId} />}
            {r.page === 'overview' && <Overview accountId={r.accountId} />}
            {r.page === 'settings' && <Settings accountId={r.accountId} />}
            {r.page === 'audit-log' && <AuditLog accountId={r.accountId} />}
            {r.page === 'app-clients' && <AppClients />}
            {r.page === 'installation-audit-log' && <AuditLog />}
            {r.page === 'identity' && <Identity accountId={r.accountId} page={r.identity} />}
          </Suspense>
        }
      />
    </AdministratorContext.Provider>
  );
}
