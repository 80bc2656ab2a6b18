import Header from '@cloudscape-design/components/header';

/** Being built (issue 15). */
export default function Settings(_props: { accountId?: string }) {
  return <Header variant="h1">Settings</Header>;
}
