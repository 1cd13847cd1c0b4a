import type { Rule } from '../engine/rule';
import { devServerInProduction } from './gunicorn/dev-server-in-production';
import { duplicateSetting } from './gunicorn/duplicate-setting';
import { hookSignature } from './gunicorn/hook-signature';
import { invalidValue as gunicornInvalidValue } from './gunicorn/invalid-value';
import { multiWorkerUdpReceiver } from './gunicorn/multi-worker-udp-receiver';
import { socketioNeedsSingleWorker } from './gunicorn/socketio-needs-single-worker';
import { syntax as gunicornSyntax } from './gunicorn/syntax';
import { threadsWithSync } from './gunicorn/threads-with-sync';
import { unknownSetting } from './gunicorn/unknown-setting';
import { workerClassUnavailable } from './gunicorn/worker-class-unavailable';
import { workerConnectionsIgnored } from './gunicorn/worker-connections-ignored';
import { duplicateDirective as nginxDuplicateDirective } from './nginx/duplicate-directive';
import { include as nginxInclude } from './nginx/include';
import { invalidArguments as nginxInvalidArguments } from './nginx/invalid-arguments';
import { notAllowedHere } from './nginx/not-allowed-here';
import { syntax as nginxSyntax } from './nginx/syntax';
import { unknownDirective as nginxUnknownDirective } from './nginx/unknown-directive';
import { deprecatedDirective } from './systemd/deprecated-directive';
import { duplicateDirective as systemdDuplicateDirective } from './systemd/duplicate-directive';
import { invalidValue as systemdInvalidValue } from './systemd/invalid-value';
import { notInTargetVersion } from './systemd/not-in-target-version';
import { syntax as systemdSyntax } from './systemd/syntax';
import { unknownDirective as systemdUnknownDirective } from './systemd/unknown-directive';
import { wrongSection } from './systemd/wrong-section';

/** Every rule, in the order their findings are produced. */
export const ALL_RULES: readonly Rule[] = [
  gunicornSyntax,
  unknownSetting,
  duplicateSetting,
  gunicornInvalidValue,
  hookSignature,
  workerConnectionsIgnored,
  threadsWithSync,
  workerClassUnavailable,
  multiWorkerUdpReceiver,
  socketioNeedsSingleWorker,
  devServerInProduction,
  nginxSyntax,
  nginxInclude,
  nginxUnknownDirective,
  notAllowedHere,
  nginxDuplicateDirective,
  nginxInvalidArguments,
  systemdSyntax,
  systemdUnknownDirective,
  wrongSection,
  notInTargetVersion,
  deprecatedDirective,
  systemdDuplicateDirective,
  systemdInvalidValue,
];
