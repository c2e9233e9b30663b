// Packaging for Snapshot Studio for Consul (`npm run dist`, a release job on a machine with
// network access: electron-builder is fetched by npx at a pinned version and downloads Electron
// for the target). A CommonJS module rather than YAML so that test/unit/build can check the
// security settings below without a YAML parser.
module.exports = {
  appId: 'io.github.snapshot-studio.consul',
  productName: 'Snapshot Studio for Consul',
  copyright: 'Copyright © Snapshot Studio contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  files: ['out/**', 'package.json', '!**/*.map'],
  // One archive: with the fuses below Electron loads the app only from it and (macOS, Windows)
  // checks its hash. The scan and catalogue workers load from inside it too (worker_threads
  // read asar archives since Electron 18).
  asar: true,
  // Fuses are bits in the Electron binary, flipped before signing, so an attacker on the machine
  // cannot turn these features back on with flags or environment variables
  // (https://www.electronjs.org/docs/latest/tutorial/fuses). What each one stops:
  // docs/threat-model.md, "Desktop shell".
  electronFuses: {
    // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node that runs any script.
    runAsNode: false,
    // NODE_OPTIONS (--require, --import) would load code into the main process.
    enableNodeOptionsEnvironmentVariable: false,
    // --inspect would open a debugger port into the main process (tokens, decrypted secrets).
    enableNodeCliInspectArguments: false,
    // The app is loaded only from resources/app.asar, never from a folder dropped beside it...
    onlyLoadAppFromAsar: true,
    // ...and that archive must match the hash recorded at build time (macOS, Windows).
    enableEmbeddedAsarIntegrityValidation: true,
    // The app keeps no cookies of its own; encrypting the store costs nothing and is one-way.
    enableCookieEncryption: true,
    // The page is a file:// URL that loads ES modules from beside it, which needs these privileges.
    grantFileProtocolExtraPrivileges: true,
    loadBrowserProcessSpecificV8Snapshot: false,
  },
  extraResources: [{ from: 'resources/sample', to: 'sample', filter: ['sample.snap'] }],
  icon: 'resources/icons/icon.png',
  fileAssociations: [
    {
      ext: 'snap',
      name: 'Consul snapshot',
      description: 'HashiCorp Consul snapshot archive',
      mimeType: 'application/x-consul-snapshot',
      role: 'Viewer',
    },
  ],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    executableName: 'snapshot-studio',
    synopsis: 'Back up, inspect and restore HashiCorp Consul snapshots',
    mimeTypes: ['application/x-consul-snapshot'],
  },
  deb: { depends: ['libsecret-1-0'] },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools', hardenedRuntime: true },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  publish: null,
}
