import type { Rule } from '../../engine/rule';

export const syntax: Rule = {
  id: 'gunicorn/syntax',
  severity: 'error',
  summary: 'gunicorn.conf.py that is not valid Python, or a gunicorn command line that argparse rejects',

  gunicornConfig(config, context) {
    for (const problem of config.problems) context.report({ span: problem.span, message: problem.message });
  },

  gunicornCommand(site, context) {
    for (const problem of site.command.problems) {
      // Unknown options are gunicorn/unknown-setting's, with a did-you-mean.
      if (problem.kind === 'unknown-option') continue;
      context.report({ span: problem.span, message: `${problem.message}: gunicorn prints its usage and refuses to start` });
    }
  },

  document(document, context) {
    if (!document.gunicornConfig) return;
    for (const problem of document.encodingProblems) {
      context.report({ span: problem.span, message: 'Bytes that are not UTF-8: Python refuses to read this file' });
    }
  },
};
