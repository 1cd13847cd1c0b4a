import { LIMIT_NOFILE, MAX_REQUESTS, maxRequestsJitter, memoryPlan, mib, tasksMax, timeoutAbove, workerPlan, type MemoryPlan, type Sized, type SizingInput, type WorkerPlan } from '../host/sizing';

/*
 * The deployment deploylint proposes for a gunicorn app: its gunicorn.conf.py, the systemd
 * service and socket that run it, and the nginx site in front of it. Each template is
 * written once, here, as a function of the sized numbers. The static snippets in
 * snippets/ are these functions applied to the machine deploylint assumes
 * (scripts/snippets.ts writes them), and the completions apply them to the declared one.
 * The numbers come from the sizing model (host/sizing.ts), never from arithmetic of
 * their own, so a template and a rule's fix cannot disagree.
 */

/** gunicorn's own defaults, written out: the stop and read timeouts of systemd and nginx are sized above them, and a reader should see both ends. */
const TIMEOUT_SECONDS = 30;
const GRACEFUL_TIMEOUT_SECONDS = 30;
/** How long nginx keeps an idle connection to gunicorn: nginx's default, written out because gunicorn's keepalive is sized above it. */
const UPSTREAM_IDLE_SECONDS = 60;

/** Every number the templates write, each with the arithmetic behind it where it is computed. */
export interface TemplateNumbers {
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly memory: MemoryPlan;
  readonly layout: WorkerPlan;
  readonly tasksMax: Sized;
  readonly timeout: number;
  readonly gracefulTimeout: number;
  /** systemd's TimeoutStopSec=, above graceful_timeout. */
  readonly stopTimeout: Sized;
  /** nginx's proxy_read_timeout, above gunicorn's timeout. */
  readonly readTimeout: Sized;
  readonly upstreamIdle: number;
  /** gunicorn's keepalive, above nginx's upstream keepalive_timeout. */
  readonly keepalive: Sized;
  /** nginx's upstream `keepalive`: the idle connections worth keeping are as many as gunicorn serves at once. */
  readonly upstreamConnections: Sized;
  readonly maxRequests: number;
  readonly maxRequestsJitter: Sized;
}

/**
 * The numbers for a machine. The workers are sized to fit the MemoryHigh= the service
 * template writes, as the rules size them to a unit's own limit, and TasksMax= is the
 * model's for that same layout.
 */
export function templateNumbers(input: SizingInput): TemplateNumbers {
  const memory = memoryPlan(input.memoryMiB);
  const layout = workerPlan(input, memory.memoryHigh.value);
  const concurrent = layout.workers * layout.threads;
  return {
    cpus: input.cpus,
    memoryMiB: input.memoryMiB,
    memory,
    layout,
    tasksMax: tasksMax(layout.workers, layout.threads),
    timeout: TIMEOUT_SECONDS,
    gracefulTimeout: GRACEFUL_TIMEOUT_SECONDS,
    stopTimeout: timeoutAbove(GRACEFUL_TIMEOUT_SECONDS),
    readTimeout: timeoutAbove(TIMEOUT_SECONDS),
    upstreamIdle: UPSTREAM_IDLE_SECONDS,
    keepalive: timeoutAbove(UPSTREAM_IDLE_SECONDS),
    upstreamConnections: { value: concurrent, arithmetic: `${layout.workers} worker${layout.workers === 1 ? '' : 's'} × ${layout.threads} thread${layout.threads === 1 ? '' : 's'} = ${concurrent}` },
    maxRequests: MAX_REQUESTS,
    maxRequestsJitter: maxRequestsJitter(MAX_REQUESTS),
  };
}

/** A template filled in: the text to insert, in snippet syntax, and the arithmetic behind its numbers as markdown list items. */
export interface FilledTemplate {
  readonly body: string;
  readonly arithmetic: readonly string[];
}

/** A stop of a snippet: the editor selects `value` there for the user to type over; stops of the same name change together. */
interface Field {
  readonly name: string;
  readonly value: string;
}

const APP: Field = { name: 'app', value: 'app' };
const WSGI_APP: Field = { name: 'wsgi', value: 'wsgi:app' };
const SERVER_NAME: Field = { name: 'server_name', value: 'example.com' };
const BODY_SIZE: Field = { name: 'body_size', value: '10m' };

/**
 * Writes the editors' snippet syntax (VS Code's, which LSP adopted): each field becomes a
 * `${n:value}` placeholder numbered in the order the fields first appear, and the rest is
 * escaped where the syntax needs it: `$` and `\` anywhere, `}` inside a placeholder.
 */
function snippet(literals: TemplateStringsArray, ...parts: (Field | string | number)[]): string {
  const stops = new Map<string, number>();
  const placeholder = (field: Field): string => {
    if (!stops.has(field.name)) stops.set(field.name, stops.size + 1);
    return `\${${stops.get(field.name)}:${field.value.replace(/[\\$}]/g, '\\$&')}}`;
  };
  const escapeText = (text: string) => text.replace(/[\\$]/g, '\\$&');
  return literals.slice(1).reduce((body, literal, index) => {
    const part = parts[index]!;
    return `${body}${typeof part === 'object' ? placeholder(part) : escapeText(String(part))}${escapeText(literal)}`;
  }, escapeText(literals[0]!));
}

/** "1 CPU and 1G of memory" */
export function machineText(numbers: TemplateNumbers): string {
  return `${numbers.cpus} CPU${numbers.cpus === 1 ? '' : 's'} and ${mib(numbers.memoryMiB)} of memory`;
}

/** "2 gthread workers × 2 threads", "3 sync workers" */
export function layoutText(layout: WorkerPlan): string {
  const workers = `${layout.workers} ${layout.workerClass} worker${layout.workers === 1 ? '' : 's'}`;
  return layout.workerClass === 'gthread' ? `${workers} × ${layout.threads} threads` : workers;
}

/*
 * The arithmetic, one list item per relation, shared by the files whose numbers depend
 * on it: the same sentence in the config's and the site's documentation.
 */
const explainLayout = (numbers: TemplateNumbers) => `${layoutText(numbers.layout)}: ${numbers.layout.arithmetic}, within MemoryHigh ${numbers.memory.memoryHigh.arithmetic}`;
const explainReadTimeout = (numbers: TemplateNumbers) => `nginx proxy_read_timeout = gunicorn timeout ${numbers.readTimeout.arithmetic}: nginx waits for an answer longer than gunicorn lets a worker hang`;
const explainStopTimeout = (numbers: TemplateNumbers) => `TimeoutStopSec = graceful_timeout ${numbers.stopTimeout.arithmetic}: systemd kills only what gunicorn could not stop in time`;
const explainKeepalive = (numbers: TemplateNumbers) => `gunicorn keepalive = nginx's upstream keepalive_timeout ${numbers.keepalive.arithmetic}: nginx closes an idle connection before gunicorn would`;

/**
 * gunicorn.conf.py. No `bind`: the listening socket comes from the socket unit, and
 * gunicorn ignores bind when systemd passes it one. Sync workers get no keepalive, which
 * they ignore (they close the connection after each response).
 */
export function gunicornConfig(numbers: TemplateNumbers): FilledTemplate {
  const { layout } = numbers;
  const gthread = layout.workerClass === 'gthread';
  const workersComment = gthread
    ? '# Processes for the CPUs and threads for requests that wait on I/O, as\n# many as fit within the MemoryHigh= of the service.'
    : '# One request at a time per process: about two per CPU keep the CPUs\n# busy, as many as fit within the MemoryHigh= of the service.';
  const keepalive = gthread
    ? `\n# Idle connections from nginx stay open longer than nginx keeps them\n# (${numbers.upstreamIdle} s): nginx closes them first, so it never sends a request down\n# a connection gunicorn is closing.\nkeepalive = ${numbers.keepalive.value}\n`
    : '';
  const body = snippet`# gunicorn for ${APP}, sized for ${machineText(numbers)}.
# The listening socket comes from ${APP}.socket (systemd socket activation);
# gunicorn then ignores bind, so none is set here.

${workersComment}
worker_class = "${layout.workerClass}"
workers = ${layout.workers}
${gthread ? `threads = ${layout.threads}\n` : ''}
# A worker that stops answering the master for this long is killed and
# replaced. nginx waits ${numbers.readTimeout.value} s for an answer.
timeout = ${numbers.timeout}
# At a stop or restart the workers get this long to finish their requests;
# systemd waits ${numbers.stopTimeout.value} s (TimeoutStopSec=) before it kills what is left.
graceful_timeout = ${numbers.gracefulTimeout}
${keepalive}
# Each worker is replaced after ${numbers.maxRequests} to ${numbers.maxRequests + numbers.maxRequestsJitter.value} requests, which bounds a slow
# leak; the jitter keeps the workers from restarting all at once.
max_requests = ${numbers.maxRequests}
max_requests_jitter = ${numbers.maxRequestsJitter.value}

# The heartbeat file each worker touches, kept in memory: a slow disk
# cannot make a worker look stuck.
worker_tmp_dir = "/dev/shm"

# To stdout and stderr, which systemd hands to the journal.
accesslog = "-"
errorlog = "-"
`;
  return {
    body,
    arithmetic: [
      explainLayout(numbers),
      `timeout ${numbers.timeout} s; ${explainReadTimeout(numbers)}`,
      `graceful_timeout ${numbers.gracefulTimeout} s; ${explainStopTimeout(numbers)}`,
      ...(gthread ? [explainKeepalive(numbers)] : []),
      `max_requests ${numbers.maxRequests}, max_requests_jitter = ${numbers.maxRequestsJitter.arithmetic}`,
    ],
  };
}

/**
 * The service: started by its socket, with a restart backoff, the memory and task limits
 * of the sizing model, and the sandboxing set systemd/hardening proposes for gunicorn,
 * complete, so that rule has nothing to add. MemoryDenyWriteExecute= is left out on
 * purpose: it breaks ctypes and cffi callbacks.
 */
export function gunicornService(numbers: TemplateNumbers): FilledTemplate {
  const body = snippet`# gunicorn for ${APP}, sized for ${machineText(numbers)}.
[Unit]
Description=${APP} (gunicorn)
# The listening socket is ${APP}.socket's; gunicorn receives it when it starts.
Requires=${APP}.socket
After=network.target ${APP}.socket
# With RestartSec= below: a failing service is restarted 5 s later, at most
# 5 times a minute, and then stays failed for someone to look at.
StartLimitIntervalSec=60
StartLimitBurst=5

[Service]
# gunicorn tells systemd when it is ready (gunicorn 20 and later).
Type=notify
User=${APP}
WorkingDirectory=/srv/${APP}
ExecStart=/srv/${APP}/venv/bin/gunicorn --config /srv/${APP}/gunicorn.conf.py ${WSGI_APP}
# On SIGHUP gunicorn rereads its config and replaces its workers gracefully.
ExecReload=/bin/kill -s HUP $MAINPID
# SIGTERM goes to the master alone, which stops its workers gracefully.
KillMode=mixed
Restart=on-failure
RestartSec=5s
# graceful_timeout (${numbers.gracefulTimeout} s) and a margin for the master to exit.
TimeoutStopSec=${numbers.stopTimeout.value}s

# The workers are sized to fit MemoryHigh=, where the kernel starts
# reclaiming; TasksMax= holds ${layoutText(numbers.layout)} through a reload.
MemoryMax=${mib(numbers.memory.memoryMax.value)}
MemoryHigh=${mib(numbers.memory.memoryHigh.value)}
TasksMax=${numbers.tasksMax.value}
LimitNOFILE=${LIMIT_NOFILE}

# Sandbox: the app may write only to its private /tmp and to /dev/shm;
# add a StateDirectory= or ReadWritePaths= for its data.
NoNewPrivileges=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectSystem=strict
ProtectHome=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
RestrictNamespaces=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
CapabilityBoundingSet=

[Install]
WantedBy=multi-user.target
`;
  return {
    body,
    arithmetic: [
      `MemoryMax = ${numbers.memory.memoryMax.arithmetic} (${numbers.memory.usable.arithmetic}, ${numbers.memory.reserve.arithmetic})`,
      `MemoryHigh = ${numbers.memory.memoryHigh.arithmetic}`,
      `TasksMax = ${numbers.tasksMax.arithmetic}, for ${layoutText(numbers.layout)}`,
      explainStopTimeout(numbers),
      `LimitNOFILE = ${LIMIT_NOFILE}`,
    ],
  };
}

/** The socket unit: systemd holds the listening socket, so connections wait through a restart instead of being refused. */
export function gunicornSocket(): FilledTemplate {
  const body = snippet`# The listening socket of ${APP}'s gunicorn. systemd holds it, so during a
# restart connections wait instead of being refused.
[Unit]
Description=${APP} socket (gunicorn)

[Socket]
ListenStream=/run/${APP}.sock
# Only nginx's user (www-data on Debian and Ubuntu) may connect.
SocketUser=www-data
SocketMode=0600

[Install]
WantedBy=sockets.target
`;
  return { body, arithmetic: [] };
}

/**
 * The site: an upstream kept alive (HTTP/1.1 and an empty Connection header in each
 * location that uses it), the headers that tell the app about the client, and a
 * WebSocket location. Each location lists every header, because a proxy_set_header in
 * a location drops all those it would inherit.
 */
export function nginxSite(numbers: TemplateNumbers): FilledTemplate {
  const forwarded = [
    'proxy_set_header Host $host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
  ].join('\n        ');
  const gthread = numbers.layout.workerClass === 'gthread';
  const keepalive = gthread
    ? `    # Idle connections each nginx worker keeps open to gunicorn: as many as\n    # gunicorn serves at once (${layoutText(numbers.layout)}).\n    keepalive ${numbers.upstreamConnections.value};\n    # Shorter than gunicorn's keepalive (${numbers.keepalive.value} s): nginx closes idle ones first.\n    keepalive_timeout ${numbers.upstreamIdle}s;\n`
    : '    # No keepalive: sync workers close the connection after each response.\n';
  const body = snippet`# nginx in front of ${APP}'s gunicorn, sized for ${machineText(numbers)}.
upstream ${APP} {
    server unix:/run/${APP}.sock;
${keepalive}}

server {
    listen 80;
    listen [::]:80;
    server_name ${SERVER_NAME};
    # Larger request bodies are refused (413) before they reach gunicorn.
    client_max_body_size ${BODY_SIZE};

    location / {
        proxy_pass http://${APP};
        # HTTP/1.1 without "Connection: close" keeps the upstream connection open.
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        # Who the client is and what it asked for; a location that sets any
        # header must set them all, as it inherits none.
        ${forwarded}
        # Longer than gunicorn's timeout (${numbers.timeout} s).
        proxy_read_timeout ${numbers.readTimeout.value}s;
    }

    # WebSocket: the Upgrade handshake is passed on, and a quiet connection
    # stays open for an hour (the app should ping more often). Each open
    # WebSocket holds a gthread thread: sync workers cannot serve them.
    location /ws/ {
        proxy_pass http://${APP};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        ${forwarded}
        proxy_read_timeout 1h;
    }
}
`;
  return {
    body,
    arithmetic: [
      ...(gthread ? [`upstream keepalive = ${numbers.upstreamConnections.arithmetic} (${explainLayout(numbers)})`, explainKeepalive(numbers)] : []),
      explainReadTimeout(numbers),
    ],
  };
}
