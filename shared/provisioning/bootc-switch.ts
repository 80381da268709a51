/**
 * "Switch to this bootc container at first boot": a oneshot unit that runs `bootc switch` once
 * (a stamp under its StateDirectory stops it running again), then reboots into the new image.
 * On a Raspberry Pi this is the documented way to reach a bootc image: boot the raw image first.
 */
export const BOOTC_SWITCH_UNIT = 'fiot-bootc-switch.service';
export const BOOTC_SWITCH_STAMP = '/var/lib/fiot-flasher/bootc-switch.done';

export function bootcSwitchUnit(image: string): { name: string; enabled: boolean; contents: string } {
  const contents = [
    '[Unit]',
    `Description=Switch this device to the bootc image ${image} (once)`,
    'Wants=network-online.target',
    'After=network-online.target',
    `ConditionPathExists=!${BOOTC_SWITCH_STAMP}`,
    '',
    '[Service]',
    'Type=oneshot',
    'StateDirectory=fiot-flasher',
    `ExecStart=/usr/bin/bootc switch ${image}`,
    `ExecStartPost=/usr/bin/touch ${BOOTC_SWITCH_STAMP}`,
    'ExecStartPost=/usr/bin/systemctl --no-block reboot',
    'RemainAfterExit=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  return { name: BOOTC_SWITCH_UNIT, enabled: true, contents };
}
