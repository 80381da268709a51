/** Provisioning, pure: the profile, hostname patterns, Ignition generation and validation. */
export * from './problem';
export * from './hostname';
export * from './ssh-key';
export * from './data-url';
export * from './profile';
export * from './network-keyfiles';
export * from './bootc-switch';
export * from './generate-ignition';
export * from './validate-ignition';
export * from './plan';
export * from './saved-profile';
export * from './csv';
export * from './device-table';
export * from './mask-secrets';
export * from './table-ip-prefix';
export * from './regional';
export * from './utf8-text';
