/**
 * What `systemd-analyze security` weighs, as data: the checks, their weights and ranges,
 * the exposure levels, and the tables its parsers and checks look names up in.
 *
 * Source: systemd v252 (the release of Debian 12, and the one the differential test runs),
 * https://github.com/systemd/systemd
 * - checks, weights, ranges, levels: src/analyze/analyze-security.c
 *   (`security_assessor_table[]`, `badness_table[]`), unchanged up to v261.2 but for
 *   `CapabilityBoundingSet=~CAP_BPF` (weight 25), which came with v255 and which Debian's
 *   252.39 carries as well: it is included;
 * - system call groups: src/shared/seccomp-util.c (`syscall_filter_sets[]`);
 * - system calls of x86-64: src/basic/syscalls-x86_64.txt (those with a number);
 * - capabilities: linux/capability.h (what src/basic/generate-cap-list.sh reads);
 * - address families: sys/socket.h of glibc 2.36 (what src/basic/generate-af-list.sh reads);
 * - architectures: src/shared/seccomp-util.c (`seccomp_arch_from_string()`).
 */

/** Boolean settings a check reads, named by their directive. */
export type SecurityFlag =
  | 'PrivateDevices'
  | 'PrivateMounts'
  | 'PrivateNetwork'
  | 'PrivateTmp'
  | 'PrivateUsers'
  | 'ProtectControlGroups'
  | 'ProtectKernelModules'
  | 'ProtectKernelTunables'
  | 'ProtectKernelLogs'
  | 'ProtectClock'
  | 'ProtectHostname'
  | 'LockPersonality'
  | 'MemoryDenyWriteExecute'
  | 'NoNewPrivileges'
  | 'RemoveIPC'
  | 'Delegate'
  | 'RestrictRealtime'
  | 'RestrictSUIDSGID';

/** The classes RestrictAddressFamilies= is judged by (analyze-security.c sorts every family into one). */
export type FamilyClass = 'inet' | 'unix' | 'netlink' | 'packet' | 'other';

/** How a check turns the unit's settings into a badness between 0 and its range (the assess_*() functions). */
export type SecurityCheck =
  | { readonly kind: 'user' }
  | { readonly kind: 'supplementary-groups' }
  /** Bad when the flag is off; `badWhenOn` turns that round (Delegate=). */
  | { readonly kind: 'flag'; readonly flag: SecurityFlag; readonly badWhenOn?: true }
  | { readonly kind: 'protect-home' }
  | { readonly kind: 'protect-system' }
  | { readonly kind: 'root-directory' }
  /** Bad when the bounding set keeps any of these. */
  | { readonly kind: 'capabilities'; readonly capabilities: readonly string[] }
  | { readonly kind: 'umask' }
  | { readonly kind: 'keyring-mode' }
  | { readonly kind: 'protect-proc' }
  | { readonly kind: 'proc-subset' }
  | { readonly kind: 'notify-access' }
  | { readonly kind: 'remove-ipc' }
  /** Bad when the namespace type may still be created. */
  | { readonly kind: 'namespace'; readonly namespace: string }
  /** Bad when sockets of the class may still be allocated. */
  | { readonly kind: 'address-family'; readonly family: FamilyClass }
  | { readonly kind: 'syscall-architectures' }
  /** Bad when the filter lets a system call of the group through. */
  | { readonly kind: 'syscall-group'; readonly group: string }
  | { readonly kind: 'ip-address' }
  | { readonly kind: 'device-allow' }
  | { readonly kind: 'ambient-capabilities' };

export interface SecurityAssessor {
  /** As systemd-analyze prints it: `CapabilityBoundingSet=~CAP_SYS_ADMIN`. */
  readonly id: string;
  /** The directive that closes it, for messages: `CapabilityBoundingSet`. */
  readonly directive: string;
  readonly weight: number;
  readonly range: number;
  readonly check: SecurityCheck;
  /** Not judged when the unit has DefaultDependencies=no ("runs in special boot phase"). */
  readonly defaultDependenciesOnly?: true;
}

const flag = (id: string, weight: number, name: SecurityFlag, extra: Partial<SecurityAssessor> = {}): SecurityAssessor => ({
  id,
  directive: name,
  weight,
  range: 1,
  check: { kind: 'flag', flag: name },
  ...extra,
});
const capabilities = (id: string, weight: number, ...names: string[]): SecurityAssessor => ({
  id,
  directive: 'CapabilityBoundingSet',
  weight,
  range: 1,
  check: { kind: 'capabilities', capabilities: names },
});
const namespace = (name: string, weight: number): SecurityAssessor => ({
  id: `RestrictNamespaces=~${name}`,
  directive: 'RestrictNamespaces',
  weight,
  range: 1,
  check: { kind: 'namespace', namespace: name },
});
const family = (id: string, weight: number, which: FamilyClass): SecurityAssessor => ({
  id,
  directive: 'RestrictAddressFamilies',
  weight,
  range: 1,
  check: { kind: 'address-family', family: which },
});
const syscalls = (group: string, weight: number): SecurityAssessor => ({
  id: `SystemCallFilter=~${group}`,
  directive: 'SystemCallFilter',
  weight,
  range: 10,
  check: { kind: 'syscall-group', group },
});

/** security_assessor_table[] of systemd v252, in its order, with the CAP_BPF check of v255. */
export const SECURITY_ASSESSORS: readonly SecurityAssessor[] = [
  { id: 'User=/DynamicUser=', directive: 'User', weight: 2000, range: 10, check: { kind: 'user' } },
  { id: 'SupplementaryGroups=', directive: 'SupplementaryGroups', weight: 200, range: 1, check: { kind: 'supplementary-groups' } },
  flag('PrivateDevices=', 1000, 'PrivateDevices'),
  flag('PrivateMounts=', 1000, 'PrivateMounts'),
  flag('PrivateNetwork=', 2500, 'PrivateNetwork'),
  flag('PrivateTmp=', 1000, 'PrivateTmp', { defaultDependenciesOnly: true }),
  flag('PrivateUsers=', 1000, 'PrivateUsers'),
  flag('ProtectControlGroups=', 1000, 'ProtectControlGroups'),
  flag('ProtectKernelModules=', 1000, 'ProtectKernelModules'),
  flag('ProtectKernelTunables=', 1000, 'ProtectKernelTunables'),
  flag('ProtectKernelLogs=', 1000, 'ProtectKernelLogs'),
  flag('ProtectClock=', 1000, 'ProtectClock'),
  { id: 'ProtectHome=', directive: 'ProtectHome', weight: 1000, range: 10, check: { kind: 'protect-home' }, defaultDependenciesOnly: true },
  flag('ProtectHostname=', 50, 'ProtectHostname'),
  { id: 'ProtectSystem=', directive: 'ProtectSystem', weight: 1000, range: 10, check: { kind: 'protect-system' }, defaultDependenciesOnly: true },
  { id: 'RootDirectory=/RootImage=', directive: 'RootDirectory', weight: 200, range: 1, check: { kind: 'root-directory' }, defaultDependenciesOnly: true },
  flag('LockPersonality=', 100, 'LockPersonality'),
  flag('MemoryDenyWriteExecute=', 100, 'MemoryDenyWriteExecute'),
  flag('NoNewPrivileges=', 1000, 'NoNewPrivileges'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_ADMIN', 1500, 'CAP_SYS_ADMIN'),
  capabilities('CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)', 1500, 'CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_PTRACE', 1500, 'CAP_SYS_PTRACE'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_TIME', 1000, 'CAP_SYS_TIME'),
  capabilities('CapabilityBoundingSet=~CAP_NET_ADMIN', 1000, 'CAP_NET_ADMIN'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_RAWIO', 1000, 'CAP_SYS_RAWIO'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_MODULE', 1000, 'CAP_SYS_MODULE'),
  capabilities('CapabilityBoundingSet=~CAP_AUDIT_*', 500, 'CAP_AUDIT_CONTROL', 'CAP_AUDIT_READ', 'CAP_AUDIT_WRITE'),
  capabilities('CapabilityBoundingSet=~CAP_SYSLOG', 500, 'CAP_SYSLOG'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_(NICE|RESOURCE)', 500, 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE'),
  capabilities('CapabilityBoundingSet=~CAP_MKNOD', 500, 'CAP_MKNOD'),
  capabilities('CapabilityBoundingSet=~CAP_(CHOWN|FSETID|SETFCAP)', 1000, 'CAP_CHOWN', 'CAP_FSETID', 'CAP_SETFCAP'),
  capabilities('CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)', 1000, 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_IPC_OWNER'),
  capabilities('CapabilityBoundingSet=~CAP_KILL', 500, 'CAP_KILL'),
  capabilities('CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)', 500, 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_RAW'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_BOOT', 100, 'CAP_SYS_BOOT'),
  capabilities('CapabilityBoundingSet=~CAP_MAC_*', 100, 'CAP_MAC_ADMIN', 'CAP_MAC_OVERRIDE'),
  capabilities('CapabilityBoundingSet=~CAP_LINUX_IMMUTABLE', 75, 'CAP_LINUX_IMMUTABLE'),
  capabilities('CapabilityBoundingSet=~CAP_IPC_LOCK', 50, 'CAP_IPC_LOCK'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_CHROOT', 50, 'CAP_SYS_CHROOT'),
  capabilities('CapabilityBoundingSet=~CAP_BLOCK_SUSPEND', 25, 'CAP_BLOCK_SUSPEND'),
  capabilities('CapabilityBoundingSet=~CAP_WAKE_ALARM', 25, 'CAP_WAKE_ALARM'),
  capabilities('CapabilityBoundingSet=~CAP_LEASE', 25, 'CAP_LEASE'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_TTY_CONFIG', 25, 'CAP_SYS_TTY_CONFIG'),
  capabilities('CapabilityBoundingSet=~CAP_SYS_PACCT', 25, 'CAP_SYS_PACCT'),
  // From v255 (and Debian's 252.39).
  capabilities('CapabilityBoundingSet=~CAP_BPF', 25, 'CAP_BPF'),
  { id: 'UMask=', directive: 'UMask', weight: 100, range: 10, check: { kind: 'umask' } },
  { id: 'KeyringMode=', directive: 'KeyringMode', weight: 1000, range: 1, check: { kind: 'keyring-mode' } },
  { id: 'ProtectProc=', directive: 'ProtectProc', weight: 1000, range: 3, check: { kind: 'protect-proc' } },
  { id: 'ProcSubset=', directive: 'ProcSubset', weight: 10, range: 1, check: { kind: 'proc-subset' } },
  { id: 'NotifyAccess=', directive: 'NotifyAccess', weight: 1000, range: 1, check: { kind: 'notify-access' } },
  { id: 'RemoveIPC=', directive: 'RemoveIPC', weight: 100, range: 1, check: { kind: 'remove-ipc' } },
  { id: 'Delegate=', directive: 'Delegate', weight: 100, range: 1, check: { kind: 'flag', flag: 'Delegate', badWhenOn: true } },
  flag('RestrictRealtime=', 500, 'RestrictRealtime'),
  flag('RestrictSUIDSGID=', 1000, 'RestrictSUIDSGID'),
  namespace('user', 1500),
  namespace('mnt', 500),
  namespace('ipc', 500),
  namespace('pid', 500),
  namespace('cgroup', 500),
  namespace('net', 500),
  namespace('uts', 100),
  family('RestrictAddressFamilies=~AF_(INET|INET6)', 1500, 'inet'),
  family('RestrictAddressFamilies=~AF_UNIX', 25, 'unix'),
  family('RestrictAddressFamilies=~AF_NETLINK', 200, 'netlink'),
  family('RestrictAddressFamilies=~AF_PACKET', 1000, 'packet'),
  family('RestrictAddressFamilies=~…', 1250, 'other'),
  { id: 'SystemCallArchitectures=', directive: 'SystemCallArchitectures', weight: 1000, range: 10, check: { kind: 'syscall-architectures' } },
  syscalls('@swap', 1000),
  syscalls('@obsolete', 250),
  syscalls('@clock', 1000),
  syscalls('@cpu-emulation', 250),
  syscalls('@debug', 1000),
  syscalls('@mount', 1000),
  syscalls('@module', 1000),
  syscalls('@raw-io', 1000),
  syscalls('@reboot', 1000),
  syscalls('@privileged', 700),
  syscalls('@resources', 700),
  { id: 'IPAddressDeny=', directive: 'IPAddressDeny', weight: 1000, range: 10, check: { kind: 'ip-address' } },
  { id: 'DeviceAllow=', directive: 'DeviceAllow', weight: 1000, range: 10, check: { kind: 'device-allow' } },
  { id: 'AmbientCapabilities=', directive: 'AmbientCapabilities', weight: 500, range: 1, check: { kind: 'ambient-capabilities' } },
];

/** badness_table[]: the first level whose threshold the exposure (in tenths) reaches. */
export const EXPOSURE_LEVELS: readonly { readonly atLeast: number; readonly name: string }[] = [
  { atLeast: 100, name: 'DANGEROUS' },
  { atLeast: 90, name: 'UNSAFE' },
  { atLeast: 75, name: 'EXPOSED' },
  { atLeast: 50, name: 'MEDIUM' },
  { atLeast: 10, name: 'OK' },
  { atLeast: 1, name: 'SAFE' },
  { atLeast: 0, name: 'PERFECT' },
];

/** Capability numbers (linux/capability.h); names are looked up without regard to case. */
export const CAPABILITIES: Readonly<Record<string, number>> = {
  CAP_CHOWN: 0, CAP_DAC_OVERRIDE: 1, CAP_DAC_READ_SEARCH: 2, CAP_FOWNER: 3, CAP_FSETID: 4, CAP_KILL: 5,
  CAP_SETGID: 6, CAP_SETUID: 7, CAP_SETPCAP: 8, CAP_LINUX_IMMUTABLE: 9, CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13, CAP_IPC_LOCK: 14, CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16, CAP_SYS_RAWIO: 17, CAP_SYS_CHROOT: 18, CAP_SYS_PTRACE: 19, CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21, CAP_SYS_BOOT: 22, CAP_SYS_NICE: 23, CAP_SYS_RESOURCE: 24, CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26, CAP_MKNOD: 27, CAP_LEASE: 28, CAP_AUDIT_WRITE: 29, CAP_AUDIT_CONTROL: 30,
  CAP_SETFCAP: 31, CAP_MAC_OVERRIDE: 32, CAP_MAC_ADMIN: 33, CAP_SYSLOG: 34, CAP_WAKE_ALARM: 35,
  CAP_BLOCK_SUSPEND: 36, CAP_AUDIT_READ: 37, CAP_PERFMON: 38, CAP_BPF: 39, CAP_CHECKPOINT_RESTORE: 40,
};

/** Address family numbers of glibc's sys/socket.h, the names systemd's af_from_name() knows (any case). */
export const ADDRESS_FAMILIES: Readonly<Record<string, number>> = {
  AF_UNIX: 1, AF_LOCAL: 1, AF_FILE: 1, AF_INET: 2, AF_AX25: 3, AF_IPX: 4, AF_APPLETALK: 5, AF_NETROM: 6,
  AF_BRIDGE: 7, AF_ATMPVC: 8, AF_X25: 9, AF_INET6: 10, AF_ROSE: 11, AF_DECnet: 12, AF_NETBEUI: 13,
  AF_SECURITY: 14, AF_KEY: 15, AF_NETLINK: 16, AF_ROUTE: 16, AF_PACKET: 17, AF_ASH: 18, AF_ECONET: 19,
  AF_ATMSVC: 20, AF_RDS: 21, AF_SNA: 22, AF_IRDA: 23, AF_PPPOX: 24, AF_WANPIPE: 25, AF_LLC: 26, AF_IB: 27,
  AF_MPLS: 28, AF_CAN: 29, AF_TIPC: 30, AF_BLUETOOTH: 31, AF_IUCV: 32, AF_RXRPC: 33, AF_ISDN: 34,
  AF_PHONET: 35, AF_IEEE802154: 36, AF_CAIF: 37, AF_ALG: 38, AF_NFC: 39, AF_VSOCK: 40, AF_KCM: 41,
  AF_QIPCRTR: 42, AF_SMC: 43, AF_XDP: 44, AF_MCTP: 45,
};

/** The class analyze-security.c sorts a family number into. */
export function familyClass(number: number): FamilyClass {
  return number === 2 || number === 10 ? 'inet' : number === 1 ? 'unix' : number === 16 ? 'netlink' : number === 17 ? 'packet' : 'other';
}

/** Names SystemCallArchitectures= accepts (seccomp_arch_from_string()); others are ignored. */
export const SYSCALL_ARCHITECTURES: ReadonlySet<string> = new Set(
  'native x86 x86-64 x32 arm arm64 mips mips64 mips64-n32 mips-le mips64-le mips64-le-n32 parisc parisc64 ppc ppc64 ppc64-le riscv64 s390 s390x'.split(' '),
);

/** Namespace types RestrictNamespaces= names (namespace_info[] of src/basic/namespace-util.c). */
export const NAMESPACE_TYPES: readonly string[] = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts', 'time'];

/**
 * syscall_filter_sets[] of systemd v252: each group's members as listed there (system calls
 * of every architecture, and other groups by their `@` name). `@known` is left out: it is
 * every system call the kernel declares, for which X86_64_SYSCALLS and `@obsolete` stand in.
 */
export const SYSCALL_GROUPS: Readonly<Record<string, string>> = {
  '@default': `arch_prctl brk cacheflush clock_getres clock_getres_time64 clock_gettime clock_gettime64
    clock_nanosleep clock_nanosleep_time64 execve exit exit_group futex futex_time64 get_robust_list
    get_thread_area getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getpgid
    getpgrp getpid getppid getrandom getresgid getresgid32 getresuid getresuid32 getrlimit getsid gettid
    gettimeofday getuid getuid32 membarrier mmap mmap2 mprotect munmap nanosleep pause prlimit64
    restart_syscall riscv_flush_icache rseq rt_sigreturn sched_getaffinity sched_yield set_robust_list
    set_thread_area set_tid_address set_tls sigreturn time ugetrlimit`,
  '@aio': `io_cancel io_destroy io_getevents io_pgetevents io_pgetevents_time64 io_setup io_submit
    io_uring_enter io_uring_register io_uring_setup`,
  '@basic-io': `_llseek close close_range dup dup2 dup3 lseek pread64 preadv preadv2 pwrite64 pwritev pwritev2 read
    readv write writev`,
  '@chown': `chown chown32 fchown fchown32 fchownat lchown lchown32`,
  '@clock': `adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64 settimeofday`,
  '@cpu-emulation': `modify_ldt subpage_prot switch_endian vm86 vm86old`,
  '@debug': `lookup_dcookie perf_event_open pidfd_getfd ptrace rtas s390_runtime_instr sys_debug_setcontext`,
  '@file-system': `access chdir chmod close creat faccessat faccessat2 fallocate fchdir fchmod fchmodat fcntl fcntl64
    fgetxattr flistxattr fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 ftruncate
    ftruncate64 futimesat getcwd getdents getdents64 getxattr inotify_add_watch inotify_init
    inotify_init1 inotify_rm_watch lgetxattr link linkat listxattr llistxattr lremovexattr lsetxattr
    lstat lstat64 mkdir mkdirat mknod mknodat newfstatat oldfstat oldlstat oldstat open openat openat2
    readlink readlinkat removexattr rename renameat renameat2 rmdir setxattr stat stat64 statfs statfs64
    statx symlink symlinkat truncate truncate64 unlink unlinkat utime utimensat utimensat_time64 utimes`,
  '@io-event': `_newselect epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait
    epoll_wait_old eventfd eventfd2 poll ppoll ppoll_time64 pselect6 pselect6_time64 select`,
  '@ipc': `ipc memfd_create mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
    mq_timedsend_time64 mq_unlink msgctl msgget msgrcv msgsnd pipe pipe2 process_madvise
    process_vm_readv process_vm_writev semctl semget semop semtimedop semtimedop_time64 shmat shmctl
    shmdt shmget`,
  '@keyring': `add_key keyctl request_key`,
  '@memlock': `mlock mlock2 mlockall munlock munlockall`,
  '@module': `delete_module finit_module init_module`,
  '@mount': `chroot fsconfig fsmount fsopen fspick mount mount_setattr move_mount open_tree pivot_root umount
    umount2`,
  '@network-io': `accept accept4 bind connect getpeername getsockname getsockopt listen recv recvfrom recvmmsg
    recvmmsg_time64 recvmsg send sendmmsg sendmsg sendto setsockopt shutdown socket socketcall
    socketpair`,
  '@obsolete': `_sysctl afs_syscall bdflush break create_module ftime get_kernel_syms getpmsg gtty idle lock mpx
    prof profil putpmsg query_module security sgetmask ssetmask stime stty sysfs tuxcall ulimit uselib
    ustat vserver`,
  '@pkey': `pkey_alloc pkey_free pkey_mprotect`,
  '@privileged': `@chown @clock @module @raw-io @reboot @swap _sysctl acct bpf capset chroot fanotify_init
    fanotify_mark nfsservctl open_by_handle_at pivot_root quotactl setdomainname setfsuid setfsuid32
    setgroups setgroups32 sethostname setresuid setresuid32 setreuid setreuid32 setuid setuid32 vhangup`,
  '@process': `capget clone clone3 execveat fork getrusage kill pidfd_open pidfd_send_signal prctl rt_sigqueueinfo
    rt_tgsigqueueinfo setns swapcontext tgkill times tkill unshare vfork wait4 waitid waitpid`,
  '@raw-io': `ioperm iopl pciconfig_iobase pciconfig_read pciconfig_write s390_pci_mmio_read s390_pci_mmio_write`,
  '@reboot': `kexec_file_load kexec_load reboot`,
  '@resources': `ioprio_set mbind migrate_pages move_pages nice sched_setaffinity sched_setattr sched_setparam
    sched_setscheduler set_mempolicy setpriority setrlimit`,
  '@setuid': `setgid setgid32 setgroups setgroups32 setregid setregid32 setresgid setresgid32 setresuid
    setresuid32 setreuid setreuid32 setuid setuid32`,
  '@signal': `rt_sigaction rt_sigpending rt_sigprocmask rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64
    sigaction sigaltstack signal signalfd signalfd4 sigpending sigprocmask sigsuspend`,
  '@swap': `swapoff swapon`,
  '@sync': `fdatasync fsync msync sync sync_file_range sync_file_range2 syncfs`,
  '@system-service': `@aio @basic-io @chown @default @file-system @io-event @ipc @keyring @memlock @network-io @process
    @resources @setuid @signal @sync @timer capget capset copy_file_range fadvise64 fadvise64_64 flock
    get_mempolicy getcpu getpriority ioctl ioprio_get kcmp madvise mremap name_to_handle_at oldolduname
    olduname personality readahead readdir remap_file_pages sched_get_priority_max
    sched_get_priority_min sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval
    sched_rr_get_interval_time64 sched_yield sendfile sendfile64 setfsgid setfsgid32 setfsuid setfsuid32
    setpgid setsid splice sysinfo tee umask uname userfaultfd vmsplice`,
  '@timer': `alarm getitimer setitimer timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64
    timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime
    timerfd_settime64 times`,
};

/** The system calls x86-64 has (src/basic/syscalls-x86_64.txt of v252, the names with a number). */
export const X86_64_SYSCALLS: ReadonlySet<string> = new Set(
  `_sysctl accept accept4 access acct add_key adjtimex alarm arch_prctl bind bpf brk capget capset
  chdir chmod chown chroot clock_adjtime clock_getres clock_gettime clock_nanosleep clock_settime
  clone clone3 close close_range connect copy_file_range creat create_module delete_module dup dup2
  dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait
  epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64
  fallocate fanotify_init fanotify_mark fchdir fchmod fchmodat fchown fchownat fcntl fdatasync
  fgetxattr finit_module flistxattr flock fork fremovexattr fsconfig fsetxattr fsmount fsopen fspick
  fstat fstatfs fsync ftruncate futex futex_waitv futimesat get_kernel_syms get_mempolicy
  get_robust_list get_thread_area getcpu getcwd getdents getdents64 getegid geteuid getgid getgroups
  getitimer getpeername getpgid getpgrp getpid getpmsg getppid getpriority getrandom getresgid
  getresuid getrlimit getrusage getsid getsockname getsockopt gettid gettimeofday getuid getxattr
  init_module inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel io_destroy
  io_getevents io_pgetevents io_setup io_submit io_uring_enter io_uring_register io_uring_setup ioctl
  ioperm iopl ioprio_get ioprio_set kcmp kexec_file_load kexec_load keyctl kill landlock_add_rule
  landlock_create_ruleset landlock_restrict_self lchown lgetxattr link linkat listen listxattr
  llistxattr lookup_dcookie lremovexattr lseek lsetxattr lstat madvise mbind membarrier memfd_create
  memfd_secret migrate_pages mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap modify_ldt
  mount mount_setattr move_mount move_pages mprotect mq_getsetattr mq_notify mq_open mq_timedreceive
  mq_timedsend mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
  name_to_handle_at nanosleep newfstatat nfsservctl open open_by_handle_at open_tree openat openat2
  pause perf_event_open personality pidfd_getfd pidfd_open pidfd_send_signal pipe pipe2 pivot_root
  pkey_alloc pkey_free pkey_mprotect poll ppoll prctl pread64 preadv preadv2 prlimit64 process_madvise
  process_mrelease process_vm_readv process_vm_writev pselect6 ptrace pwrite64 pwritev pwritev2
  query_module quotactl quotactl_fd read readahead readlink readlinkat readv reboot recvfrom recvmmsg
  recvmsg remap_file_pages removexattr rename renameat renameat2 request_key restart_syscall rmdir
  rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
  rt_sigtimedwait rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min sched_getaffinity
  sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval sched_setaffinity
  sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop
  semtimedop sendfile sendmmsg sendmsg sendto set_mempolicy set_mempolicy_home_node set_robust_list
  set_thread_area set_tid_address setdomainname setfsgid setfsuid setgid setgroups sethostname
  setitimer setns setpgid setpriority setregid setresgid setresuid setreuid setrlimit setsid
  setsockopt settimeofday setuid setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd
  signalfd4 socket socketpair splice stat statfs statx swapoff swapon symlink symlinkat sync
  sync_file_range syncfs sysfs sysinfo syslog tee tgkill time timer_create timer_delete
  timer_getoverrun timer_gettime timer_settime timerfd_create timerfd_gettime timerfd_settime times
  tkill truncate umask umount2 uname unlink unlinkat unshare uselib userfaultfd ustat utime utimensat
  utimes vfork vhangup vmsplice wait4 waitid write writev`.split(/\s+/),
);
