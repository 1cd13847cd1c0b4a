import type { Rule } from '../../engine/rule';

export const syntax: Rule = {
  id: 'nginx/syntax',
  severity: 'error',
  summary: 'Braces, semicolons or quotes nginx cannot parse: nginx -t fails',

  nginx(file, context) {
    for (const problem of file.problems) context.report({ span: problem.span, message: problem.message });
  },
};
