/** A stand-in for the `vscode` module in plain Node (unit tests, benchmarks): the configuration reads settings.ts makes, the tree API, file URIs, a quick pick, file system watchers and diagnostics. */
import Module from 'node:module';
import * as path from 'node:path';

const values = new Map<string, unknown>();
/** The workspace's settings (.vscode/settings.json): where one is set, it is the value in effect. */
const workspaceValues = new Map<string, unknown>();
const WORKSPACE_TARGETS = new Set<unknown>([2, 3]);
const inEffect = (key: string, fallback?: unknown) => (workspaceValues.has(key) ? workspaceValues.get(key) : values.has(key) ? values.get(key) : fallback);
const FAKE_PATH = '/fake-vscode/index.js';

/** The tree API's plain classes, enough for the Markets tree provider to run outside VS Code (tests, benchmarks). */
class EventEmitter<T> {
  private listeners: Array<(e: T) => void> = [];
  readonly event = (listener: (e: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  constructor(readonly value = '') {}
}

/** File URIs only: what a panel's page and its resources are addressed by. */
class Uri {
  readonly scheme = 'file';
  constructor(readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri(p);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(path.join(base.fsPath, ...parts));
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

/** A glob relative to a folder, as `workspace.createFileSystemWatcher` takes it. */
class RelativePattern {
  readonly baseUri: Uri;
  readonly base: string;
  constructor(
    base: Uri | string,
    readonly pattern: string,
  ) {
    this.baseUri = typeof base === 'string' ? Uri.file(base) : base;
    this.base = this.baseUri.fsPath;
  }
}

export type FileEventKind = 'create' | 'change' | 'delete';

/**
 * A FileSystemWatcher as VS Code gives it: an event per kind, each a Uri, unless created to ignore that kind; none
 * after dispose(). Only a pattern naming one file is matched (no wildcards): what the extension watches.
 */
class FakeFileSystemWatcher {
  private readonly emitters = { create: new EventEmitter<Uri>(), change: new EventEmitter<Uri>(), delete: new EventEmitter<Uri>() };
  readonly onDidCreate = this.emitters.create.event;
  readonly onDidChange = this.emitters.change.event;
  readonly onDidDelete = this.emitters.delete.event;
  private readonly file: string;
  constructor(
    pattern: RelativePattern,
    readonly ignoreCreateEvents: boolean,
    readonly ignoreChangeEvents: boolean,
    readonly ignoreDeleteEvents: boolean,
  ) {
    // A character in brackets is itself (VS Code's globs take `]` as the first in brackets literally): `[[]` is `[`.
    const name = pattern.pattern.replace(/\[(.)\]/g, '$1');
    if (/[*?[\]{}]/.test(pattern.pattern.replace(/\[.\]/g, ''))) throw new Error(`fake createFileSystemWatcher: only a pattern naming one file is matched, not ${pattern.pattern}`);
    this.file = path.join(pattern.base, name);
  }
  /** What VS Code does with a change on disk: tells the listeners of its kind, if the path matches and the kind is not ignored. */
  deliver(kind: FileEventKind, uri: Uri): void {
    if (uri.fsPath !== this.file) return;
    if (kind === 'create' ? this.ignoreCreateEvents : kind === 'change' ? this.ignoreChangeEvents : this.ignoreDeleteEvents) return;
    this.emitters[kind].fire(uri);
  }
  dispose(): void {
    fileWatchers.delete(this);
    for (const e of Object.values(this.emitters)) e.dispose();
  }
}

const fileWatchers = new Set<FakeFileSystemWatcher>();
/** A change on disk as VS Code reports it, to every watcher not disposed whose pattern matches `file` (the test changes the file itself). */
export function fireFileEvent(kind: FileEventKind, file: string): void {
  for (const w of [...fileWatchers]) w.deliver(kind, Uri.file(file));
}
/** The file system watchers created and not disposed. */
export const liveFileWatchers = (): number => fileWatchers.size;

class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}

const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 } as const;

class Diagnostic {
  source?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number = DiagnosticSeverity.Error,
  ) {}
}

/** A DiagnosticCollection: the Problems panel's entries per file; like VS Code's, it throws once disposed. */
class FakeDiagnosticCollection {
  private readonly entries = new Map<string, readonly Diagnostic[]>();
  private disposed = false;
  constructor(readonly name: string) {}
  set(uri: Uri, diagnostics: readonly Diagnostic[] | undefined): void {
    this.checkLive();
    if (diagnostics === undefined || diagnostics.length === 0) this.entries.delete(uri.toString());
    else this.entries.set(uri.toString(), [...diagnostics]);
  }
  get(uri: Uri): readonly Diagnostic[] | undefined {
    this.checkLive();
    return this.entries.get(uri.toString());
  }
  delete(uri: Uri): void {
    this.checkLive();
    this.entries.delete(uri.toString());
  }
  clear(): void {
    this.checkLive();
    this.entries.clear();
  }
  dispose(): void {
    this.disposed = true;
    this.entries.clear();
  }
  private checkLive(): void {
    if (this.disposed) throw new Error(`DiagnosticCollection ${this.name} used after dispose`);
  }
}

/** A QuickPick with its accept and hide events, driven by a test (pick() accepts an item, as Enter would). */
export class FakeQuickPick<T> {
  title?: string;
  placeholder?: string;
  matchOnDescription = false;
  ignoreFocusOut = false;
  busy = false;
  shown = false;
  /** VS Code's default: the rows that match are re-sorted by where the typed text starts in their label. */
  sortByLabel = true;
  items: readonly T[] = [];
  activeItems: readonly T[] = [];
  selectedItems: readonly T[] = [];
  value = '';
  private readonly accepted = new EventEmitter<void>();
  private readonly hidden = new EventEmitter<void>();
  private readonly valueChanged = new EventEmitter<string>();
  readonly onDidAccept = this.accepted.event;
  readonly onDidHide = this.hidden.event;
  readonly onDidChangeValue = this.valueChanged.event;
  show(): void {
    this.shown = true;
  }
  hide(): void {
    if (!this.shown) return;
    this.shown = false;
    this.hidden.fire();
  }
  dispose(): void {
    this.accepted.dispose();
    this.hidden.dispose();
    this.valueChanged.dispose();
  }
  /** The field's text changed, as typing does. */
  type(value: string): void {
    this.value = value;
    this.valueChanged.fire(value);
  }
  /** Enter with no row selected. */
  acceptNothing(): void {
    this.selectedItems = [];
    this.accepted.fire();
  }
  pick(item: T): void {
    this.selectedItems = [item];
    this.accepted.fire();
  }
  /** The row VS Code highlights, which Enter picks: the first active item, else the first row listed. */
  highlighted(): T | undefined {
    return this.activeItems[0] ?? this.listed()[0];
  }
  /**
   * The rows as VS Code lists them, a simplified model of its quick pick: those whose label (or, with
   * matchOnDescription, description) holds the typed text, and every `alwaysShow` row; with `sortByLabel`, rows
   * matched in the label first, by where the text starts in it, then alphabetically (its compareAnything).
   */
  listed(): readonly T[] {
    const q = this.value.trim().toLowerCase();
    if (!q) return this.items;
    const at = (item: T) => (item as ListedRow).label.toLowerCase().indexOf(q);
    const shown = this.items.filter((item) => {
      const row = item as ListedRow;
      return row.alwaysShow === true || at(item) >= 0 || (this.matchOnDescription && (row.description ?? '').toLowerCase().includes(q));
    });
    if (!this.sortByLabel) return shown;
    const rank = (item: T) => (at(item) < 0 ? Number.MAX_SAFE_INTEGER : at(item));
    const label = (item: T) => (item as ListedRow).label;
    return [...shown].sort((a, b) => rank(a) - rank(b) || (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
  }
}

type ListedRow = { readonly label: string; readonly description?: string; readonly alwaysShow?: boolean };

const quickPicks: Array<FakeQuickPick<unknown>> = [];
/** The webview panel serializers registered, by view type (what VS Code calls to restore panels after a reload). */
const serializers = new Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>();
const warnings: string[] = [];

/** The quick picks created so far, newest last, and the warning messages shown. */
export const shownQuickPicks = (): ReadonlyArray<FakeQuickPick<unknown>> => quickPicks;
export const shownWarnings = (): readonly string[] => warnings;
const infoMessages: string[] = [];
/** Every information notification shown through the fake, oldest first. */
export const shownInformation = (): readonly string[] => infoMessages;
const errorMessages: string[] = [];
/** Every error notification shown through the fake, oldest first. */
export const shownErrors = (): readonly string[] => errorMessages;
const statusMessages: string[] = [];
/** Every status bar message set through the fake, oldest first. */
export const shownStatusMessages = (): readonly string[] => statusMessages;
/** VS Code restoring a panel of `viewType` after a window reload, with the state its webview kept. */
export function restorePanel(viewType: string, panel: unknown, state: unknown): Promise<void> {
  const serializer = serializers.get(viewType);
  if (!serializer) throw new Error(`no webview panel serializer for ${viewType}`);
  return serializer.deserializeWebviewPanel(panel, state);
}

/** What `window.createWebviewPanel` gives: set by a test that opens panels (none set: it throws). */
let panelFactory: ((viewType: string, title: string, showOptions: unknown) => unknown) | undefined;
export function createWebviewPanelsWith(factory: typeof panelFactory): void {
  panelFactory = factory;
}

/** An input box as a command shows it: what the test's answer is checked against. */
export interface ShownInputBox {
  readonly title?: string;
  readonly value?: string;
  readonly validateInput?: (value: string) => string | undefined;
}
/** A `window.showQuickPick` list as shown: its rows and options. */
export interface ShownQuickPickList {
  readonly items: readonly unknown[];
  readonly options: { readonly title?: string; readonly placeHolder?: string; readonly canPickMany?: boolean };
}
type QuickPickAnswer = (shown: ShownQuickPickList) => unknown;
const inputAnswers: Array<string | undefined> = [];
const pickAnswers: QuickPickAnswer[] = [];
const inputBoxes: ShownInputBox[] = [];
const quickPickLists: ShownQuickPickList[] = [];
/**
 * The user's answers to the next input boxes, in order (undefined: Escape); one with none left is cancelled. An
 * answer the box's validateInput refuses fails the call: VS Code would not have taken it.
 */
export function answerInputBoxes(...answers: Array<string | undefined>): void {
  inputAnswers.push(...answers);
}
/** The user's choices in the next `showQuickPick` lists, in order (undefined: Escape); one with none left is cancelled. */
export function answerQuickPicks(...answers: QuickPickAnswer[]): void {
  pickAnswers.push(...answers);
}
/** The input boxes and `showQuickPick` lists shown so far, oldest first; `forgetPrompts()` empties them and the answers left. */
export const shownInputBoxes = (): readonly ShownInputBox[] => inputBoxes;
export const shownQuickPickLists = (): readonly ShownQuickPickList[] => quickPickLists;
export function forgetPrompts(): void {
  inputAnswers.length = pickAnswers.length = inputBoxes.length = quickPickLists.length = 0;
}
function showInputBox(options: ShownInputBox): Promise<string | undefined> {
  inputBoxes.push(options);
  const answer = inputAnswers.shift();
  const refused = answer === undefined ? undefined : options.validateInput?.(answer);
  return refused ? Promise.reject(new Error(`the input box "${options.title ?? ''}" refuses ${JSON.stringify(answer)}: ${refused}`)) : Promise.resolve(answer);
}
function showQuickPick(items: readonly unknown[], options: ShownQuickPickList['options'] = {}): Promise<unknown> {
  const shown = { items, options };
  quickPickLists.push(shown);
  return Promise.resolve(pickAnswers.shift()?.(shown));
}
/** Fired by a configuration `update`, as VS Code fires it once the settings file is written. */
const configurationChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

/** Commands registered through the fake, by id; executeCommand() runs them as VS Code would. */
const commandHandlers = new Map<string, (...args: unknown[]) => unknown>();

const fake = {
  commands: {
    registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
      if (commandHandlers.has(id)) throw new Error(`command '${id}' already exists`);
      commandHandlers.set(id, handler);
      return { dispose: () => commandHandlers.get(id) === handler && commandHandlers.delete(id) };
    },
    executeCommand: async (id: string, ...args: unknown[]) => {
      const handler = commandHandlers.get(id);
      if (!handler) throw new Error(`command '${id}' not found`);
      return handler(...args);
    },
  },
  workspace: {
    createFileSystemWatcher: (pattern: RelativePattern, ignoreCreateEvents = false, ignoreChangeEvents = false, ignoreDeleteEvents = false) => {
      const watcher = new FakeFileSystemWatcher(pattern, ignoreCreateEvents, ignoreChangeEvents, ignoreDeleteEvents);
      fileWatchers.add(watcher);
      return watcher;
    },
    getConfiguration: (section: string) => ({
      get: (key: string, fallback?: unknown) => inEffect(`${section}.${key}`, fallback),
      /** To the user's settings unless the target is the workspace (or a folder of it). */
      update: (key: string, value: unknown, target?: unknown) => {
        (WORKSPACE_TARGETS.has(target) ? workspaceValues : values).set(`${section}.${key}`, value);
        configurationWrites.push(`${section}.${key}`);
        const written = `${section}.${key}`;
        configurationChanged.fire({ affectsConfiguration: (s: string) => written === s || written.startsWith(`${s}.`) || s.startsWith(`${written}.`) });
        return Promise.resolve();
      },
      inspect: (key: string) => ({ key: `${section}.${key}`, globalValue: values.get(`${section}.${key}`), workspaceValue: workspaceValues.get(`${section}.${key}`) }),
    }),
    onDidChangeConfiguration: configurationChanged.event,
  },
  window: {
    withProgress: <T>(_options: unknown, task: () => Promise<T>) => task(),
    createQuickPick: () => {
      const qp = new FakeQuickPick<unknown>();
      quickPicks.push(qp);
      return qp;
    },
    showInputBox,
    showQuickPick,
    showInformationMessage: (message: string) => (infoMessages.push(message), Promise.resolve(undefined)),
    showWarningMessage: (message: string) => (warnings.push(message), Promise.resolve(undefined)),
    showErrorMessage: (message: string) => (errorMessages.push(message), Promise.resolve(undefined)),
    setStatusBarMessage: (message: string) => (statusMessages.push(message), { dispose: () => undefined }),
    createWebviewPanel: (viewType: string, title: string, showOptions: unknown) => {
      if (!panelFactory) throw new Error('createWebviewPanel: no panel factory set (createWebviewPanelsWith)');
      return panelFactory(viewType, title, showOptions);
    },
    /** One editor group, the first. */
    tabGroups: { activeTabGroup: { viewColumn: 1 } },
    registerWebviewPanelSerializer: (viewType: string, serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }) => {
      serializers.set(viewType, serializer);
      return { dispose: () => serializers.get(viewType) === serializer && serializers.delete(viewType) };
    },
  },
  languages: {
    createDiagnosticCollection: (name = '') => new FakeDiagnosticCollection(name),
  },
  EventEmitter,
  RelativePattern,
  Range,
  Diagnostic,
  DiagnosticSeverity,
  TreeItem,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  Uri,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
};

const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
const resolve = M._resolveFilename;
M._resolveFilename = (request: string, ...rest: unknown[]) => (request === 'vscode' ? FAKE_PATH : resolve(request, ...rest));
const cached = new Module(FAKE_PATH);
cached.exports = fake;
cached.loaded = true;
M._cache[FAKE_PATH] = cached;

/** The settings written by `update`, one entry per write, in order (a test may empty it). */
export const configurationWrites: string[] = [];

/** A setting in effect (the workspace's value where it has one, else the user's) as the last `setConfiguration` or a command's `update` left it. */
export const configured = (key: string): unknown => inEffect(key);

/** A setting as the user's settings (`user`) or the workspace's hold it. */
export const configuredIn = (scope: 'user' | 'workspace', key: string): unknown => (scope === 'user' ? values : workspaceValues).get(key);

/** Sets the user's settings (`{ "tradesuite.favourites": null }`); keys not given are unset, in the workspace's settings too. */
export function setConfiguration(settings: Record<string, unknown>): void {
  values.clear();
  workspaceValues.clear();
  for (const [k, v] of Object.entries(settings)) values.set(k, v);
}

/** Sets the workspace's settings (after `setConfiguration`, which empties them): they override the user's. */
export function setWorkspaceConfiguration(settings: Record<string, unknown>): void {
  workspaceValues.clear();
  for (const [k, v] of Object.entries(settings)) workspaceValues.set(k, v);
}
