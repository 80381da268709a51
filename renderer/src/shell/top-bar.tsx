import type { ConnectionState } from '../api';
import { FleetToolButtons } from '../features/fleet';
import { HistoryButton } from '../features/history';
import { useConnection } from '../stores';
import { WhatIsThis } from '../components/what-is-this';

const connectionWords: Record<ConnectionState, string> = {
  connecting: 'Connecting to the station…',
  open: '',
  reconnecting: 'Connection to the station lost: reconnecting…',
  unauthorized: 'The station refused this page: it may have been restarted, which gives it a new address. Open the address it printed when it started (it ends in ?token=…).',
};

export function TopBar() {
  const connection = useConnection((s) => s.state);
  const host = useConnection((s) => s.host);
  const words = connectionWords[connection];
  return (
    <header className="top-bar">
      <span className="brand-mark" aria-hidden="true" />
      <span className="brand">Fedora IoT Flasher</span>
      {host === 'station' && (
        <>
          <span className="host-badge" data-testid="host-badge">Station</span>
          <WhatIsThis term="station" />
        </>
      )}
      {words && (
        <span className={`connection connection-${connection}`} role="status" data-testid="connection">
          {words}
        </span>
      )}
      <FleetToolButtons />
      <HistoryButton />
    </header>
  );
}
