/** Where each rule's page lives: `docs/rules/<format>/<name>.md` in the repository. */
const DOCS_BASE = 'https://github.com/deploylint/deploylint/blob/main/docs/rules/';

export function ruleDocsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
