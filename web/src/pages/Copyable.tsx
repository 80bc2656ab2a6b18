import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';

/** A value shown in full with a button that copies it (a TXT record, a redirect URI, a URL). */
export function Copyable({ label, value }: { label: string; value: string }) {
  return (
    <CopyToClipboard
      variant="inline"
      textToCopy={value}
      copyButtonAriaLabel={`Copy ${label.toLowerCase()}`}
      copySuccessText={`${label} copied`}
      copyErrorText={`${label} not copied`}
    />
  );
}
