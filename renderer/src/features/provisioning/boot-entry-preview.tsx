/**
 * The kernel arguments the card's boot entries gain (the Wi-Fi country, the profile's own): not
 * part of the Ignition config, so shown beside it.
 */
export function BootEntryPreview({ args }: { args: string[] | undefined }) {
  if (!args?.length) return null;
  return (
    <p className="field-hint" data-testid="boot-entry-preview">
      Kernel command line (the boot entry’s options, after the image’s own): <code>{args.join(' ')}</code>
    </p>
  );
}
