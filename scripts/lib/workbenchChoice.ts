/**
 * Which VS Code `npm start` opens. Its code-server set-up installs Node 24 for Linux x64 and Debian packages (what CI
 * proves), so elsewhere the desktop VS Code is used when its `code` command is there, and otherwise the user is told
 * what to install instead of meeting a Debian package error or a Linux binary that cannot run.
 */
export interface Machine {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  /** dpkg-query on PATH (apt can install what code-server's set-up needs), or TRADESUITE_SKIP_APT=1 (the user did). */
  readonly debian: boolean;
  /** VS Code's `code` command on PATH. */
  readonly codeOnPath: boolean;
}

export type WorkbenchChoice =
  | { readonly kind: 'code-server' }
  | { readonly kind: 'desktop'; readonly note?: string }
  | { readonly kind: 'unsupported'; readonly message: string };

const CODE_COMMAND_HINT =
  "install VS Code and its `code` command (in VS Code: Command Palette → \"Shell Command: Install 'code' command in PATH\"; on Windows the installer adds it), then run `npm start` again: it opens the demo in your VS Code";

export function chooseWorkbench(machine: Machine, desktopAsked: boolean): WorkbenchChoice {
  if (desktopAsked) {
    return machine.codeOnPath ? { kind: 'desktop' } : { kind: 'unsupported', message: `--desktop needs the \`code\` command on PATH: ${CODE_COMMAND_HINT}` };
  }
  const linuxX64 = machine.platform === 'linux' && machine.arch === 'x64';
  if (linuxX64 && machine.debian) return { kind: 'code-server' };
  const here = linuxX64 ? 'Linux without apt' : `${machine.platform} ${machine.arch}`;
  const why = `code-server's set-up here installs Node 24 for Linux x64 and Debian packages (this is ${here})`;
  if (machine.codeOnPath) return { kind: 'desktop', note: `${why}: opening the demo in your desktop VS Code instead` };
  const manual = linuxX64 ? ' Or install the Kerberos headers, a C/C++ toolchain, python3 and pkg-config yourself (code-server\'s native modules build with them) and run `TRADESUITE_SKIP_APT=1 npm start`.' : '';
  return { kind: 'unsupported', message: `${why}. To see TradeSuite here, ${CODE_COMMAND_HINT}.${manual}` };
}
