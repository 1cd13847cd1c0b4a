import type { FixDraft, Rule } from '../../engine/rule';
import { removeDirective } from './edits';
import { placedDirectives } from './placed';

/**
 * `X-XSS-Protection` switched on the XSS filter of old browsers (Internet Explorer, old
 * Chrome and Safari). Current browsers ignore it; the filter itself could be abused to
 * blank out or leak parts of otherwise safe pages, which is why Chrome removed it
 * (MDN, "X-XSS-Protection"; OWASP Secure Headers Project: do not set it, or set it to 0,
 * and use Content-Security-Policy).
 */
export const deprecatedHeader: Rule = {
  id: 'nginx/deprecated-header',
  severity: 'info',
  summary: 'add_header X-XSS-Protection: ignored by current browsers, and "1; mode=block" can open holes in old ones; use Content-Security-Policy',

  nginx(file, context) {
    const source = context.document.source;
    for (const { directive } of placedDirectives(file, context)) {
      if (directive.name !== 'add_header' || directive.args[0]?.value.toLowerCase() !== 'x-xss-protection') continue;
      const value = directive.args[1];
      // 0 turns the filter off, which is the advice for sites that still send the header.
      if (!value || value.value.trim() === '0') continue;
      const name = directive.args[0].value;
      const fixes: FixDraft[] = [
        { title: `Remove the ${name} header`, safe: false, preferred: true, edits: [removeDirective(source, directive)] },
        { title: `Send ${name}: 0 (turns the filter off in old browsers)`, safe: false, edits: [{ span: value.span, newText: value.quote ? `${value.quote}0${value.quote}` : '0' }] },
      ];
      context.report({
        span: directive.span,
        message: `${name} "${value.value}" is deprecated: current browsers ignore it, and in old ones the XSS filter it turns on can itself open holes in safe pages; remove it (or send 0) and rely on Content-Security-Policy`,
        fixes,
      });
    }
  },
};
