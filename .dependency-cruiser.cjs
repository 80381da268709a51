/**
 * Which folder may import which (see docs/architecture.md, "What may import what").
 * Run by `npm run lint`; every rule is an error.
 */
// The core library: core's modules the writer process may load. They read images, block devices
// and filesystems, and import nothing else from core (rule core-library-stays-a-library), so the
// privileged writer stays small. docs/architecture.md names them too.
const CORE_LIBRARY = [
  '^electron/core/image-map/',
  '^electron/core/image-source/',
  '^electron/core/system-tools[.]ts$',
  '^electron/core/drives/(resolve-target|check-targets|target-identity|loop-backing|file-stat|list-drives|loop-device|map-drive|system-mounts)[.]ts$',
  '^electron/core/provision/(inject|block-io|boot-entries|ext-fs|firstboot-stamp|image-windows|inspect|io-disk|partitions)[.]ts$',
  '^electron/core/image-arch/(read-arch|fat-dir)[.]ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'A cycle (type-only ones too) means two modules are one; move the shared part below both.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-not-to-writer',
      severity: 'error',
      comment: 'The writer is a separate, privileged process: core talks to it through the shared/ protocol only.',
      from: { path: '^electron/core/' },
      to: { path: '^electron/writer/' },
    },
    {
      name: 'writer-only-core-library',
      severity: 'error',
      comment: 'The writer imports shared/ and the core library only.',
      from: { path: '^electron/writer/' },
      to: { path: '^electron/', pathNot: ['^electron/writer/', ...CORE_LIBRARY] },
    },
    {
      name: 'core-library-stays-a-library',
      severity: 'error',
      comment: 'The core library is what the writer may load: it must not pull in the rest of core.',
      from: { path: CORE_LIBRARY },
      to: { path: '^electron/', pathNot: CORE_LIBRARY },
    },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment: 'shared/ is the contract every process (and the browser) reads: npm packages such as zod and the JSON data of assets/ only; no node:, no Electron, no process code.',
      from: { path: '^shared/' },
      to: { pathNot: ['^shared/', '^assets/.+[.]json$'], dependencyTypesNot: ['npm'] },
    },
    {
      name: 'shared-no-electron',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(node_modules/)?electron(/|$)' },
    },
    {
      name: 'renderer-not-to-electron',
      severity: 'error',
      comment: 'The renderer reaches the core through the bridge (shared/bridge.ts), never by import; no Node either.',
      from: { path: '^renderer/' },
      to: { path: ['^electron/', '^(node_modules/)?electron(/|$)', '^bin/'] },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'bin-above-everything',
      severity: 'error',
      comment: 'bin/ starts the program: nothing in the app imports it.',
      from: { path: '^(electron|shared|renderer)/' },
      to: { path: '^bin/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // A package reached through a linked node_modules keeps its node_modules/ path.
    preserveSymlinks: true,
    exclude: { path: '^(dist|out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js', '.d.mts', '.d.ts'] },
  },
};
