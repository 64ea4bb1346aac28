// The line above the Alerts view's rules while alerts.yaml has problems (a rule with an error is not listed).
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALERTS_READ_CONTEXT } from '../../../src/extension/alerts/alertsController';
import { alertsViewMessage, followAlertProblems, type AlertsProblems } from '../../../src/extension/alerts/alertsViewMessage';

describe('The Alerts view message', () => {
  it('says nothing without problems, and counts errors and warnings with what they mean', () => {
    assert.equal(alertsViewMessage({ errors: 0, warnings: 0, keptPrevious: false }, 'alerts.yaml'), undefined);
    assert.equal(alertsViewMessage({ errors: 1, warnings: 0, keptPrevious: false }, 'alerts.yaml'), 'alerts.yaml has 1 error: a rule with an error is not listed. See the Problems panel.');
    assert.equal(alertsViewMessage({ errors: 2, warnings: 1, keptPrevious: false }, 'rules.yaml'), 'rules.yaml has 2 errors and 1 warning: a rule with an error is not listed. See the Problems panel.');
    assert.equal(alertsViewMessage({ errors: 0, warnings: 3, keptPrevious: false }, 'alerts.yaml'), 'alerts.yaml has 3 warnings: its rules run. See the Problems panel.');
    assert.equal(alertsViewMessage({ errors: 1, warnings: 0, keptPrevious: true }, 'alerts.yaml'), 'alerts.yaml has 1 error: the rules of its last valid version keep running. See the Problems panel.');
  });

  it('follows the controller: set at once, changed on a problems change only, and no longer once disposed', () => {
    const changes = new vscode.EventEmitter<{ kind: string }>();
    let problems: AlertsProblems = { errors: 1, warnings: 0, keptPrevious: false };
    const view = { message: undefined as string | undefined };
    const alerts = { onDidChange: changes.event, problemSummary: () => problems, config: { path: '/w/my.alerts.yaml' } as vscode.Uri };
    const follow = followAlertProblems(view as unknown as vscode.TreeView<unknown>, alerts);
    assert.match(view.message ?? '', /^my\.alerts\.yaml has 1 error/);
    problems = { errors: 0, warnings: 0, keptPrevious: false };
    changes.fire({ kind: 'rule' });
    assert.match(view.message ?? '', /has 1 error/, 'a rule change leaves the message');
    changes.fire({ kind: 'problems' });
    assert.equal(view.message, undefined);
    follow.dispose();
    problems = { errors: 5, warnings: 0, keptPrevious: false };
    changes.fire({ kind: 'problems' });
    assert.equal(view.message, undefined);
  });

  it('the "No alert rules yet" welcome waits for alerts.yaml to be read (the context key the extension sets), the others do not claim anything about rules', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { viewsWelcome: Array<{ view: string; contents: string; when: string }> } };
    const welcomes = manifest.contributes.viewsWelcome.filter((w) => w.view === 'tradesuite.alerts');
    const noRules = welcomes.filter((w) => w.contents.startsWith('No alert rules yet'));
    assert.equal(noRules.length, 1);
    assert.ok(noRules[0]!.when.split('&&').map((c) => c.trim()).includes(ALERTS_READ_CONTEXT), noRules[0]!.when);
    for (const w of welcomes) if (w !== noRules[0]) assert.ok(!/no alert rules/i.test(w.contents), w.contents);
  });
});
