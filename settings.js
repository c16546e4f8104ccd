// Node-RED settings of Energy Twin. Everything a site changes comes from the environment
// (README.md, «Настройки»).
const path = require('path');
// One place reads and checks the environment (lib/runtime/env.ts): a wrong value stops the start.
const { readEnv } = require('./dist/lib/runtime/env');

const env = readEnv();
const dataDir = env.dataDir;

module.exports = {
  uiPort: env.port,
  uiHost: env.host,
  // Node-RED's own files (context, .config.*.json) live with the embedded database.
  userDir: path.join(dataDir, 'node-red'),
  // The plant's flows live with its data, apart from the code (an upgrade keeps them); the first start
  // copies the shipped flows/flows.json here (lib/runtime/plant-flows.ts). Credentials: flows_cred.json beside.
  flowFile: path.join(dataDir, 'flows.json'),
  flowFilePretty: true,
  // Encrypts flows_cred.json; when unset Node-RED generates one into userDir.
  credentialSecret: process.env.TWIN_CREDENTIAL_SECRET || undefined,
  // This package is itself a Node-RED module: our nodes load from package.json "node-red".
  nodesDir: [__dirname],
  httpAdminRoot: '/admin',
  httpNodeRoot: '/',
  // No calls home: the plant network is closed.
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  editorTheme: {
    page: { title: 'Energy Twin — редактор' },
    header: { title: 'Energy Twin' },
    projects: { enabled: false },
    tours: false,
  },
  logging: {
    console: { level: env.logLevel, metrics: false, audit: false },
  },
  // Nodes come from package.json (reviewed, locked), not from the editor's palette manager.
  externalModules: { palette: { allowInstall: false } },
  functionExternalModules: false,
  exportGlobalContextKeys: false,
};
