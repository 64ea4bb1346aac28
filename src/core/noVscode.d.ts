// Not a module on purpose: src/core/tsconfig.json maps 'vscode' here, so an import of vscode in the engine fails
// to compile ("… is not a module"). The engine runs without VS Code: in the CLI and in the tests.
