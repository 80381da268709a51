/**
 * The kernel arguments the card's boot entries gain (the Wi-Fi country, the profile's own): not
 * part of the Ignition config, so shown beside it.
 */
import { useProfile } from '../../stores';

export function BootEntryPreview() {
  const args = useProfile((s) => (s.preview?.mode === 'config' ? s.preview.kernelArguments : undefined));
  if (!args?.length) return null;
  return (
    <p className="field-hint" data-testid="boot-entry-preview">
      Kernel command line (the boot entry’s options, after the image’s own): <code>{args.join(' ')}</code>
    </p>
  );
}
