// Child process for the activation benchmark: a stub `vscode`, then require + activate() of dist/extension.js, then
// deactivate() (which writes the bundle's code cache after a miss). argv: the bundle, the extension's storage directory.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const noop = () => undefined;
const disposable = { dispose: noop };
function deep() {
  return new Proxy(function () {}, {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.iterator ? function* () {} : p === 'dispose' ? noop : deep()),
    apply: () => deep(),
    construct: () => deep(),
    set: () => true,
  });
}
class EventEmitter { constructor() { this.event = () => disposable; } fire() {} dispose() {} }
const vscode = new Proxy(
  {
    EventEmitter,
    Disposable: class { static from() { return disposable; } constructor(f) { this.dispose = f; } },
    Uri: { joinPath: (...p) => ({ fsPath: p.map(String).join('/') }), file: (f) => ({ fsPath: f }) },
    // Any other member (an event such as onDidChangeWorkspaceFolders) is a stand-in that gives a disposable.
    workspace: new Proxy({ getConfiguration: () => ({ get: (_k, d) => d, update: async () => undefined }), onDidChangeConfiguration: () => disposable, workspaceFolders: undefined }, { get: (t, p) => (p in t ? t[p] : deep()) }),
    // esbuild's ESM interop copies own properties only, so every namespace used must be listed.
    window: deep(),
    commands: deep(),
    languages: deep(),
    extensions: deep(),
    ViewColumn: { Active: -1, Beside: -2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    TreeItem: class {},
    ThemeIcon: class {},
  },
  { get: (t, p) => (p in t ? t[p] : deep()) },
);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
const storage = path.resolve(process.argv[3] ?? '/tmp/ts-bench-storage');
const codeCacheBefore = fs.existsSync(path.join(storage, 'code')) && fs.readdirSync(path.join(storage, 'code')).some((n) => n.startsWith('extensionMain.js-') && n.endsWith('.v8cache'));
// Whatever activation requires, by file (the lazily required chunks must not be among them).
const required = [];
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (request.startsWith('.') || path.isAbsolute(request)) required.push(path.basename(request));
  return load.call(this, request, parent, ...rest);
};
const t0 = process.hrtime.bigint();
const ext = require(path.resolve(process.argv[2]));
const t1 = process.hrtime.bigint();
ext.activate({ subscriptions: [], extensionUri: { fsPath: '/ext' }, globalStorageUri: { fsPath: storage }, workspaceState: { get: () => undefined, update: () => Promise.resolve() } });
const t2 = process.hrtime.bigint();
const ccxtLoaded = Object.keys(require.cache).some((k) => k.endsWith('ccxt.js'));
void Promise.resolve(ext.deactivate()).then(() => {
  process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, activateMs: Number(t2 - t1) / 1e6, ccxtLoaded, codeCache: codeCacheBefore, required }));
});
