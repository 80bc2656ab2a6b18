import Header from '@cloudscape-design/components/header';

/** Being built (issue 15). */
export default function AppClients(_props: { accountId?: string }) {
  return <Header variant="h1">AppClients</Header>;
}
