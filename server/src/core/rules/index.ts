import type { Rule } from '../engine/rule';
import { daemonUnderSystemd } from './gunicorn/daemon-under-systemd';
import { devServerInProduction } from './gunicorn/dev-server-in-production';
import { duplicateSetting } from './gunicorn/duplicate-setting';
import { hookReadsWorkerPidBeforeFork } from './gunicorn/hook-reads-worker-pid-before-fork';
import { hookSignature } from './gunicorn/hook-signature';
import { keepaliveIgnored } from './gunicorn/keepalive-ignored';
import { maxRequestsWithoutJitter } from './gunicorn/max-requests-without-jitter';
import { invalidValue as gunicornInvalidValue } from './gunicorn/invalid-value';
import { reloadInProduction } from './gunicorn/reload-in-production';
import { multiWorkerUdpReceiver } from './gunicorn/multi-worker-udp-receiver';
import { socketioNeedsSingleWorker } from './gunicorn/socketio-needs-single-worker';
import { syntax as gunicornSyntax } from './gunicorn/syntax';
import { threadsWithSync } from './gunicorn/threads-with-sync';
import { umaskWorldWritable } from './gunicorn/umask-world-writable';
import { unknownSetting } from './gunicorn/unknown-setting';
import { workerClassUnavailable } from './gunicorn/worker-class-unavailable';
import { workerConnectionsIgnored } from './gunicorn/worker-connections-ignored';
import { workersExceedCpu } from './gunicorn/workers-exceed-cpu';
import { workersExceedMemory } from './gunicorn/workers-exceed-memory';
import { hostspecRules } from './hostspec';
import { duplicateDirective as nginxDuplicateDirective } from './nginx/duplicate-directive';
import { include as nginxInclude } from './nginx/include';
import { addHeaderInheritance as nginxAddHeaderInheritance } from './nginx/add-header-inheritance';
import { deprecatedHeader as nginxDeprecatedHeader } from './nginx/deprecated-header';
import { gzipTypesDuplicate as nginxGzipTypesDuplicate } from './nginx/gzip-types-duplicate';
import { proxySecurity as nginxProxySecurity } from './nginx/proxy-security';
import { invalidArguments as nginxInvalidArguments } from './nginx/invalid-arguments';
import { upstreamKeepaliveNeedsHttp11 as nginxUpstreamKeepaliveNeedsHttp11 } from './nginx/upstream-keepalive-needs-http11';
import { websocketHeadersMissing as nginxWebsocketHeadersMissing } from './nginx/websocket-headers-missing';
import { weakTls as nginxWeakTls } from './nginx/weak-tls';
import { notAllowedHere } from './nginx/not-allowed-here';
import { syntax as nginxSyntax } from './nginx/syntax';
import { unknownDirective as nginxUnknownDirective } from './nginx/unknown-directive';
import { compressionLost } from './stack/compression-lost';
import { dbPoolTooSmall } from './stack/db-pool-too-small';
import { appExposedBehindProxy } from './stack/app-exposed-behind-proxy';
import { forwardedHeaders } from './stack/forwarded-headers';
import { portConflict } from './stack/port-conflict';
import { proxyTargetMismatch } from './stack/proxy-target-mismatch';
import { proxyTimeoutBelowAppTimeout } from './stack/proxy-timeout-below-app-timeout';
import { writablePaths } from './stack/writable-paths';
import { deprecatedDirective } from './systemd/deprecated-directive';
import { duplicateDirective as systemdDuplicateDirective } from './systemd/duplicate-directive';
import { invalidValue as systemdInvalidValue } from './systemd/invalid-value';
import { hardening } from './systemd/hardening';
import { memoryLimitsInconsistent } from './systemd/memory-limits-inconsistent';
import { noResourceLimits } from './systemd/no-resource-limits';
import { notInTargetVersion } from './systemd/not-in-target-version';
import { notifyWithoutSupport } from './systemd/notify-without-support';
import { pathOverride } from './systemd/path-override';
import { restartWithoutBackoff } from './systemd/restart-without-backoff';
import { runsAsRoot } from './systemd/runs-as-root';
import { secretInEnvironment } from './systemd/secret-in-environment';
import { stopTimeoutBelowGraceful } from './systemd/stop-timeout-below-graceful';
import { syntax as systemdSyntax } from './systemd/syntax';
import { tasksMaxTooLow } from './systemd/tasks-max-too-low';
import { unknownDirective as systemdUnknownDirective } from './systemd/unknown-directive';
import { wrongSection } from './systemd/wrong-section';

let knownIds: ReadonlySet<string> | undefined;

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
  umaskWorldWritable,
  daemonUnderSystemd,
  reloadInProduction,
  hookReadsWorkerPidBeforeFork,
  workersExceedMemory,
  workersExceedCpu,
  maxRequestsWithoutJitter,
  keepaliveIgnored,
  nginxSyntax,
  nginxInclude,
  nginxUnknownDirective,
  notAllowedHere,
  nginxDuplicateDirective,
  nginxInvalidArguments,
  nginxUpstreamKeepaliveNeedsHttp11,
  nginxWebsocketHeadersMissing,
  nginxAddHeaderInheritance,
  nginxDeprecatedHeader,
  nginxWeakTls,
  nginxGzipTypesDuplicate,
  nginxProxySecurity,
  systemdSyntax,
  systemdUnknownDirective,
  wrongSection,
  notInTargetVersion,
  deprecatedDirective,
  systemdDuplicateDirective,
  systemdInvalidValue,
  hardening,
  notifyWithoutSupport,
  secretInEnvironment,
  restartWithoutBackoff,
  noResourceLimits,
  stopTimeoutBelowGraceful,
  memoryLimitsInconsistent,
  tasksMaxTooLow,
  pathOverride,
  runsAsRoot,
  proxyTargetMismatch,
  proxyTimeoutBelowAppTimeout,
  appExposedBehindProxy,
  forwardedHeaders,
  portConflict,
  compressionLost,
  writablePaths,
  dbPoolTooSmall,
  // A [rules] section may name any rule, these two included; the set is built when first asked for.
  ...hostspecRules(() => (knownIds ??= new Set(ALL_RULES.map((rule) => rule.id)))),
];
