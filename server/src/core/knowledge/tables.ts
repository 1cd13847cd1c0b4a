import gunicorn from '../../../../schemas/gunicorn.json';
import nginx from '../../../../schemas/nginx.json';
import systemd from '../../../../schemas/systemd.json';
import { Knowledge } from './knowledge';
import type { GunicornKnowledge, NginxKnowledge, SystemdKnowledge } from './types';

let shared: Knowledge | undefined;

/** The knowledge tables of schemas/, indexed once per process. */
export function loadKnowledge(): Knowledge {
  shared ??= new Knowledge({
    gunicorn: gunicorn as unknown as GunicornKnowledge,
    systemd: systemd as unknown as SystemdKnowledge,
    nginx: nginx as unknown as NginxKnowledge,
  });
  return shared;
}
