/*
 * tsync-lab kernel helper: runs a scenario on the real Linux kernel, with real
 * pthreads and real seccomp(2) calls, and prints what the kernel did. The
 * TypeScript side (src/kernel/) compiles this file on first use, feeds it a
 * scenario on stdin in a line format (src/kernel/protocol.ts) and turns the
 * lines it prints back into the lab's Result JSON.
 *
 * Modes (argv[1]):
 *   check            can this kernel run scenarios (seccomp, TSYNC_ESRCH, and
 *                    the probe program's measured path cost is PROBE_COST)?
 *                    prints "ok <release>" or "unavailable <reason>"
 *   scenario [SECS]  run the scenario read from stdin; SIGALRM ends it after
 *                    SECS seconds (default 20)
 *   calibrate PAD    measure the kernel's path-limit cost of a probe program
 *                    padded with PAD instructions (prints "cost <n>")
 *   race MS CLONERS EPOCH CONTROL RING ESRCH
 *                    the TSYNC vs clone/exit race check (prints one JSON line);
 *                    CONTROL 1 attaches without TSYNC, so the checks must fire;
 *                    each cloner keeps up to RING children alive; ESRCH 1 sets
 *                    TSYNC_ESRCH on every other TSYNC
 *
 * Process design (why there is no coordinator thread). The helper is a fresh
 * process per scenario, and its main thread IS the scenario's first thread: the
 * group leader must be the process's main thread, or a leader `exit` would not
 * leave a zombie leader on the thread list (tsync_vs_dead_thread_leader). Any
 * extra coordinator thread would sit on the thread list too, where TSYNC checks
 * and syncs it; so there is none. Instead the scenario threads pass a baton: a
 * program counter under one mutex (a condvar per thread); each thread sleeps until the step at
 * the counter is its own, runs it (nothing else runs meanwhile), prints the
 * result and advances the counter. After the last step the live threads report
 * their own state one by one (a thread's chain can only be probed from inside
 * that thread) and the last reporter ends the process.
 *
 * Limits of this design (also in the README):
 *   - the scenario's other initial threads are created by the leader with
 *     pthread_create before the first step; they start with the leader's
 *     (empty) seccomp state, which is what the scenario format says anyway;
 *   - waiting threads sleep in futex(2); that is invisible to seccomp;
 *   - `exit` is pthread_exit: the step counts as done once the thread is fully
 *     gone (joined, and for non-leaders reaped), i.e. past PF_EXITING and the
 *     filter release; the next step's thread waits for that before it runs;
 *   - glibc makes a few syscalls of its own around pthread_create/exit (rseq,
 *     robust list, loading libgcc_s for unwinding); our filters allow them;
 *   - the whole process must start unfiltered and without no_new_privs (not
 *     true inside a container with a seccomp profile): `check` refuses then.
 *
 * Filter identity. Attach number k (1-based, in step order) installs a
 * program that returns errno PROBE_ERRNO_BASE+k for syscall PROBE_NR when its
 * first argument is k, and allows everything else. A thread calling
 * syscall(PROBE_NR, k) gets that errno iff node k is on its chain (every other
 * node allows, and an unfiltered PROBE_NR is ENOSYS). Chains are reported as
 * the set of such k; the newest-first order is descending k, since a node's
 * parent is always older. Cross-checked against Seccomp_filters: in
 * /proc/thread-self/status.
 *
 * Program length. The scenario's `insns` plays two roles in the model: the
 * program length the kernel refuses with EINVAL outside 1..BPF_MAXINSNS, and
 * the cost each filter adds to the path limit (ENOMEM). In the kernel these are
 * two different numbers: EINVAL looks at the classic length, while the path
 * limit counts bpf_prog->len, the length AFTER classic BPF is converted to eBPF
 * (bpf_migrate_filter), which is always larger (3 prologue instructions, 2 per
 * ret). Our probe program has 6 classic instructions and costs PROBE_COST = 11;
 * each "A += 0" pad adds one to both. `calibrate` measures this. So:
 *   - insns <= 0 or > 4096: a program of that classic length (0 if negative),
 *     which the kernel refuses with EINVAL, as the model says;
 *   - 11..4096: padded to cost exactly insns (classic length insns - 5);
 *   - 1..10 (the default 1): costs 11, not insns. Before such an attach the
 *     acting thread checks, on its real chain, that the model's accounting and
 *     the kernel's give the same ENOMEM verdict, and reports the scenario as
 *     not runnable otherwise (no silent disagreement).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC
#define SECCOMP_FILTER_FLAG_TSYNC (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_SET_MODE_FILTER
#define SECCOMP_SET_MODE_FILTER 1
#endif

/* No architecture assigns syscall 999 (x86_64 and the generic table end below
 * 470; MIPS tables start at 4000), so unfiltered it is always ENOSYS. */
#define PROBE_NR 999
/* Far above any real errno, and below 4096 so syscall() still sees an error. */
#define PROBE_ERRNO_BASE 1024
#define MAX_NODES 3071 /* PROBE_ERRNO_BASE + id must stay <= 4095 */
#define PROBE_COST 11  /* eBPF length of the unpadded probe program; see calibrate */
#define PATH_LIMIT 32768 /* MAX_INSNS_PER_PATH */
#define MAX_CLASSIC 4096 /* BPF_MAXINSNS */
#define MAX_THREADS 256
#define MAX_STEPS 20000

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LO offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LO (offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* ---------------------------------------------------------------- output */

/* One write(2) per line: lines from different threads never interleave, and
 * nothing sits in a stdio buffer when a thread exits or the process ends. */
static void emit(const char *fmt, ...) {
  char buf[16384];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  for (int off = 0; off < n;) {
    ssize_t w = write(1, buf + off, (size_t)(n - off));
    if (w <= 0) {
      if (errno == EINTR) continue;
      _exit(5);
    }
    off += (int)w;
  }
}

/* Report "<tag> <message>" on the protocol stream and exit with `code`. */
static void vdie(int code, const char *tag, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  emit("%s %s", tag, msg);
  _exit(code);
}

/* The scenario cannot be expressed exactly on this kernel: say why, stop. */
static void unrunnable(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdie(4, "unrunnable", fmt, ap);
}

/* The helper itself saw something impossible: an internal error. */
static void fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdie(3, "fatal", fmt, ap);
}

/* ------------------------------------------------------- kernel primitives */

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static long seccomp_(unsigned int op, unsigned int flags, void *args) {
  return syscall(SYS_seccomp, op, flags, args);
}

/* Build the probe program for node `id`, with `pad` one-eBPF-instruction
 * no-ops in front (A is zeroed by the converted prologue; A += 0 keeps it). */
static struct sock_filter *probe_program(int id, int pad, unsigned short *len) {
  if (pad > 65535 - 6) pad = 65535 - 6; /* sock_fprog.len is 16 bits */
  int n = pad + 6;
  struct sock_filter *p = calloc((size_t)n, sizeof *p);
  if (!p) fatal("out of memory");
  for (int i = 0; i < pad; i++) p[i] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 0);
  struct sock_filter tail[6] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_NR, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)id, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)(PROBE_ERRNO_BASE + id) & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  memcpy(p + pad, tail, sizeof tail);
  *len = (unsigned short)n;
  return p;
}

/* Install node `id` on the calling thread. Returns the raw syscall result:
 * 0, a positive TID (TSYNC failure), or -errno. A negative `pad` asks for an
 * empty program (the kernel's EINVAL case). */
static long attach_probe(int id, int pad, unsigned int flags) {
  unsigned short len = 0;
  struct sock_filter *p = probe_program(id, pad < 0 ? 0 : pad, &len);
  struct sock_fprog prog = {.len = pad < 0 ? 0 : len, .filter = p};
  long r = seccomp_(SECCOMP_SET_MODE_FILTER, flags, &prog);
  long e = errno;
  free(p);
  return r < 0 ? -e : r;
}

/* Is node `id` on the calling thread's chain? */
static int probe(int id) {
  long r = syscall(PROBE_NR, (long)id, 0L, 0L, 0L, 0L, 0L);
  if (r == -1 && errno == PROBE_ERRNO_BASE + id) return 1;
  if (r == -1 && errno == ENOSYS) return 0;
  fatal("probe %d returned %ld errno %d: a filter outside this helper is answering", id, r, errno);
  return 0;
}

struct status {
  int seccomp;     /* Seccomp: */
  int filters;     /* Seccomp_filters:, -1 if the kernel has no such line */
  int nnp;         /* NoNewPrivs: */
  int has_seccomp; /* the Seccomp: line exists (CONFIG_SECCOMP) */
  unsigned long long cap_eff;
};

/* Read the calling thread's own status (seccomp state is per thread). */
static int read_status(struct status *st) {
  char path[64];
  FILE *f = fopen("/proc/thread-self/status", "r");
  if (!f) {
    snprintf(path, sizeof path, "/proc/self/task/%d/status", gettid_());
    f = fopen(path, "r");
  }
  if (!f) return -1;
  memset(st, 0, sizeof *st);
  st->filters = -1;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "Seccomp: %d", &st->seccomp) == 1) st->has_seccomp = 1;
    else if (sscanf(line, "Seccomp_filters: %d", &st->filters) == 1) {
    } else if (sscanf(line, "NoNewPrivs: %d", &st->nnp) == 1) {
    } else sscanf(line, "CapEff: %llx", &st->cap_eff);
  }
  fclose(f);
  return 0;
}

static const char *errno_name(int e) {
  switch (e) {
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case ESRCH: return "ESRCH";
    case EAGAIN: return "EAGAIN";
    case EFAULT: return "EFAULT";
    case EPERM: return "EPERM";
    case EBUSY: return "EBUSY";
    default: return "E?";
  }
}

/* Unprivileged scenarios: drop CAP_SYS_ADMIN from the bounding, ambient,
 * inheritable, permitted and effective sets, so a root run answers like an
 * unprivileged one (seccomp tests ns_capable(CAP_SYS_ADMIN) on the effective
 * set). Capabilities are per thread; this runs before any other thread exists,
 * and every thread inherits it. */
static void drop_sys_admin(void) {
  prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0); /* EPERM without CAP_SETPCAP: fine */
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  if (syscall(SYS_capget, &hdr, data) != 0) fatal("capget: %s", strerror(errno));
  unsigned idx = CAP_TO_INDEX(CAP_SYS_ADMIN), mask = CAP_TO_MASK(CAP_SYS_ADMIN);
  data[idx].effective &= ~mask;
  data[idx].permitted &= ~mask;
  data[idx].inheritable &= ~mask;
  if (syscall(SYS_capset, &hdr, data) != 0) fatal("capset: %s", strerror(errno));
  struct status st;
  if (read_status(&st) != 0) fatal("cannot read /proc/thread-self/status");
  if (st.cap_eff & (1ULL << CAP_SYS_ADMIN)) fatal("CAP_SYS_ADMIN is still effective after capset");
}

static int has_sys_admin(void) {
  struct status st;
  if (read_status(&st) != 0) fatal("cannot read /proc/thread-self/status");
  return (st.cap_eff & (1ULL << CAP_SYS_ADMIN)) != 0;
}

/* ------------------------------------------------------------------ check */

struct cost {
  int cost, fit, candidates;
};
static int measure_cost(int pad, struct cost *out, const char **why);

/* Can scenarios run here? Every "unavailable" line names the exact reason. */
static int mode_check(void) {
  struct utsname u;
  uname(&u);
  struct status st;
  if (read_status(&st) != 0) {
    emit("unavailable /proc/thread-self/status is not readable (is /proc mounted?)");
    return 0;
  }
  if (!st.has_seccomp) {
    emit("unavailable kernel %s has no seccomp (no Seccomp: line in /proc/self/status; CONFIG_SECCOMP off)", u.release);
    return 0;
  }
  if (st.seccomp != 0) {
    emit("unavailable this process already runs under seccomp (Seccomp: %d, %d inherited filters, e.g. a container's "
         "profile); scenarios need threads that start unfiltered",
         st.seccomp, st.filters);
    return 0;
  }
  if (st.nnp) {
    emit("unavailable no_new_privs is already set on this process (e.g. a container's no-new-privileges); scenarios "
         "need it clear at start");
    return 0;
  }
  /* With a NULL program a known flag set fails with EFAULT (copying the
   * program), an unknown one with EINVAL: the selftests' detection trick. */
  errno = 0;
  if (seccomp_(SECCOMP_SET_MODE_FILTER, 0, NULL) != -1 || errno != EFAULT) {
    if (errno == ENOSYS) emit("unavailable kernel %s has no seccomp(2) syscall (ENOSYS)", u.release);
    else emit("unavailable kernel %s refuses SECCOMP_SET_MODE_FILTER (errno %s; CONFIG_SECCOMP_FILTER off?)", u.release,
              errno_name(errno));
    return 0;
  }
  errno = 0;
  if (seccomp_(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH, NULL) != -1 ||
      errno != EFAULT) {
    emit("unavailable kernel %s lacks SECCOMP_FILTER_FLAG_TSYNC_ESRCH (Linux 5.7+): seccomp answered %s", u.release,
         errno_name(errno));
    return 0;
  }
  /* Filters must really take effect (an emulating kernel might accept and
   * ignore them): try one in a throwaway child. */
  pid_t pid = fork();
  if (pid < 0) {
    emit("unavailable fork failed: %s", strerror(errno));
    return 0;
  }
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(10);
    if (attach_probe(1, 0, SECCOMP_FILTER_FLAG_TSYNC) != 0) _exit(11);
    long r = syscall(PROBE_NR, 1L);
    if (!(r == -1 && errno == PROBE_ERRNO_BASE + 1)) _exit(12);
    r = syscall(PROBE_NR, 2L);
    if (!(r == -1 && errno == ENOSYS)) _exit(13);
    struct status cs;
    if (read_status(&cs) != 0 || cs.seccomp != 2 || (cs.filters != -1 && cs.filters != 1)) _exit(14);
    _exit(0);
  }
  int ws = 0;
  waitpid(pid, &ws, 0);
  if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
    emit("unavailable kernel %s accepts seccomp filters but they do not behave like Linux (self-test step %d failed)",
         u.release, WIFEXITED(ws) ? WEXITSTATUS(ws) - 9 : -1);
    return 0;
  }
  /* Scenario attaches are padded assuming the unpadded probe costs PROBE_COST
   * on the path limit; on a kernel that converts it differently every ENOMEM
   * verdict would be off, so the kernel is unusable, not approximately usable. */
  struct cost c;
  const char *why = "";
  if (measure_cost(0, &c, &why) != 0) {
    emit("unavailable kernel %s: measuring the probe program's path cost failed (%s)", u.release, why);
    return 0;
  }
  if (c.cost != PROBE_COST || c.candidates != 1) {
    emit("unavailable kernel %s: the probe program's path cost is %d (%d fit, %d candidate costs), not the %d the helper "
         "pads scenario filters with; path-limit (ENOMEM) verdicts would be wrong",
         u.release, c.cost, c.fit, c.candidates, PROBE_COST);
    return 0;
  }
  emit("ok %s", u.release);
  return 0;
}

/* -------------------------------------------------------------- calibrate */

/* The path-limit cost of the probe program with `pad` pads, measured: in a
 * throwaway child, attach copies until ENOMEM; k copies fit iff
 * c + (k-1)(c+4) <= PATH_LIMIT, which pins c for the small costs we use.
 * Returns -1, with the reason in *why, if that could not be measured. */
static int measure_cost(int pad, struct cost *out, const char **why) {
  int fd[2];
  if (pipe(fd) != 0) {
    *why = "pipe failed";
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    *why = "fork failed";
    return -1;
  }
  if (pid == 0) {
    close(fd[0]);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(1);
    int k = 0;
    for (;;) {
      long r = attach_probe(1, pad, 0);
      if (r == -ENOMEM) break;
      if (r != 0) _exit(2);
      if (++k > PATH_LIMIT) _exit(3);
    }
    if (write(fd[1], &k, sizeof k) != (ssize_t)sizeof k) _exit(4);
    _exit(0);
  }
  close(fd[1]);
  int k = -1;
  ssize_t got = read(fd[0], &k, sizeof k);
  close(fd[0]);
  int ws = 0;
  waitpid(pid, &ws, 0);
  if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0 || got != (ssize_t)sizeof k) {
    *why = "the calibration child failed";
    return -1;
  }
  out->cost = -1;
  out->fit = k;
  out->candidates = 0;
  for (int c = 1; c <= PATH_LIMIT; c++) {
    if ((PATH_LIMIT - c) / (c + 4) + 1 == k) {
      if (out->cost < 0) out->cost = c;
      out->candidates++;
    }
  }
  return 0;
}

static int mode_calibrate(int pad) {
  struct cost c;
  const char *why = "";
  if (measure_cost(pad, &c, &why) != 0) fatal("calibrate: %s", why);
  emit("cost %d fit %d candidates %d", c.cost, c.fit, c.candidates);
  return 0;
}

/* --------------------------------------------------------------- scenario */

enum { OP_NNP, OP_ATTACH, OP_CLONE, OP_EXIT };
enum { T_UNBORN, T_ALIVE, T_EXITED };

struct step {
  int op, thread;
  unsigned flags; /* attach */
  int insns;      /* attach */
  int node;       /* attach: 1-based node id (attach ordinal) */
  int child;      /* clone */
};

struct thr {
  pthread_t pt;
  pid_t tid;
  int state;
  /* The path cost of this thread's chain (the sum of insns + 4 over its
   * filters), as the scenario counts it and as the kernel does (each probe
   * program costs at least PROBE_COST), and whether any filter on it has
   * insns < PROBE_COST. Kept up to date on attach, TSYNC and clone, so an
   * attach does not probe the whole chain (that is quadratic in the chain
   * length, per attach); report_self checks them against the probed chain. */
  long want, real;
  int inexact;
};

static struct step *steps;
static int nsteps, nthreads, ninitial, privileged, nnodes;
static struct thr thr[MAX_THREADS];
static int *node_insns;   /* per node id: the scenario's insns */
static char *node_exists; /* per node id: the attach succeeded */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER; /* a new thread has its tid */
/* One condvar per scenario thread: the baton wakes only the thread whose turn it
 * is. A broadcast would wake every thread at every step, and each futex call
 * runs the thread's whole filter chain: threads x chain per step. */
static pthread_cond_t turn_cv[MAX_THREADS];
static int pc = -1;            /* the step being run, nsteps in the report phase, -1 before the start */
static int reporter = -1;      /* report phase: whose turn it is */
static int pending_exit = -1;  /* a thread that ran `exit` and may still be exiting */
static pthread_attr_t attr;

static int next_alive(int from) {
  for (int i = from; i < nthreads; i++)
    if (thr[i].state == T_ALIVE) return i;
  return -1;
}

/* Wake the thread whose turn it is now (call with mu held). */
static void pass_baton(void) {
  int next = pc < 0 ? -1 : pc < nsteps ? steps[pc].thread : reporter;
  if (next >= 0) pthread_cond_signal(&turn_cv[next]);
}

static int my_turn(int me) {
  if (pc < 0) return 0; /* the leader is still creating the initial threads */
  if (pc < nsteps) return steps[pc].thread == me;
  return reporter == me;
}

/* Wait until thread j has really exited: pthread_join returns when the kernel
 * clears the thread's tid (exit_mm), which is after PF_EXITING and, since 6.11,
 * after its filter was released. A non-leader is also reaped right after; wait
 * for that too, so older kernels see it gone as well. A leader stays a zombie
 * on the thread list until the group ends: that is the semantics under test. */
static void wait_gone(int j) {
  int rc = pthread_join(thr[j].pt, NULL);
  if (rc != 0) fatal("pthread_join(thread %d): %s", j, strerror(rc));
  if (j == 0) return;
  for (int i = 0; i < 100000; i++) {
    if (syscall(SYS_tgkill, getpid(), thr[j].tid, 0) != 0 && errno == ESRCH) return;
    usleep(10);
  }
  fatal("thread %d (tid %d) joined but still on the thread list after 1s", j, thr[j].tid);
}

/* The pad that gives a program for `insns`; -1 = an empty program. */
static int pad_for(int insns) {
  if (insns <= 0) return -1;
  if (insns > MAX_CLASSIC) return insns - 6; /* classic length = insns: EINVAL */
  return insns < PROBE_COST ? 0 : insns - PROBE_COST;
}

/* What a filter of `insns` adds to a chain's path cost: scenario, kernel. */
static long cost_want(int insns) { return insns + 4; }
static long cost_real(int insns) { return (insns < PROBE_COST ? PROBE_COST : insns) + 4; }

/* Before an attach whose insns we cannot reproduce: do the scenario's
 * accounting and the kernel's agree on ENOMEM? Uses the caller's chain cost,
 * kept up to date per thread (O(1), where probing the chain would be O(chain)
 * syscalls each walking the whole chain). */
static void check_path_cost(const struct step *s) {
  if (s->insns < 1 || s->insns > MAX_CLASSIC) return; /* EINVAL comes before the path limit */
  const struct thr *t = &thr[s->thread];
  long want = s->insns + t->want, real = (s->insns < PROBE_COST ? PROBE_COST : s->insns) + t->real;
  int inexact = s->insns < PROBE_COST || t->inexact;
  if (inexact && (want > PATH_LIMIT) != (real > PATH_LIMIT))
    unrunnable("step %d: the scenario's path cost (%ld) and the kernel's (%ld, each probe program costs at least %d) "
               "fall on different sides of the %d limit; use insns >= %d",
               pc + 1, want, real, PROBE_COST, PATH_LIMIT, PROBE_COST);
}

/* A successful attach of node `s` by its thread: the caller's chain grows, and
 * with TSYNC every other live thread now shares the caller's chain. */
static void account_attach(const struct step *s) {
  struct thr *t = &thr[s->thread];
  t->want += cost_want(s->insns);
  t->real += cost_real(s->insns);
  if (s->insns < PROBE_COST) t->inexact = 1;
  if (!(s->flags & SECCOMP_FILTER_FLAG_TSYNC)) return;
  for (int i = 0; i < nthreads; i++) {
    if (i == s->thread || thr[i].state != T_ALIVE) continue;
    thr[i].want = t->want;
    thr[i].real = t->real;
    thr[i].inexact = t->inexact;
  }
}

static void *thread_main(void *arg);

/* Run step `pc` (ours). Called without the mutex held. Prints its result. */
static void run_step(void) {
  const struct step *s = &steps[pc];
  switch (s->op) {
    case OP_NNP: {
      int r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (r == 0) emit("step %d ok", pc);
      else emit("step %d err %s", pc, errno_name(errno));
      return;
    }
    case OP_ATTACH: {
      check_path_cost(s);
      long r = attach_probe(s->node, pad_for(s->insns), s->flags);
      if (r == 0) {
        node_exists[s->node] = 1;
        account_attach(s);
        emit("step %d ok", pc);
      } else if (r > 0) {
        int who = -1;
        for (int i = 0; i < nthreads; i++)
          if (thr[i].tid == (pid_t)r && thr[i].state != T_UNBORN) who = i;
        if (who < 0) fatal("step %d: TSYNC failed on tid %ld, which is no scenario thread", pc, r);
        emit("step %d tsync %d %ld", pc, who, r);
      } else {
        const char *n = errno_name((int)-r);
        if (n[1] == '?') fatal("step %d: seccomp failed with errno %ld", pc, -r);
        emit("step %d err %s", pc, n);
      }
      return;
    }
    case OP_CLONE: {
      pthread_t pt;
      int rc = pthread_create(&pt, &attr, thread_main, (void *)(long)s->child);
      /* No child means every later step of it would wait forever: stop here. */
      if (rc != 0) unrunnable("step %d: clone: pthread_create: %s", pc, strerror(rc));
      pthread_mutex_lock(&mu);
      thr[s->child].pt = pt;
      thr[s->child].want = thr[s->thread].want;
      thr[s->child].real = thr[s->thread].real;
      thr[s->child].inexact = thr[s->thread].inexact;
      while (thr[s->child].tid == 0) pthread_cond_wait(&cv, &mu);
      pthread_mutex_unlock(&mu);
      emit("step %d ok", pc);
      return;
    }
  }
  fatal("step %d: bad op %d", pc, s->op);
}

/* Report the calling thread's own state: probe every node that exists. */
static void report_self(int me) {
  char chain[MAX_NODES * 6 + 8];
  int len = 0, count = 0;
  long want = 0, real = 0;
  chain[0] = 0;
  for (int id = nnodes; id >= 1; id--) {
    if (!node_exists[id] || !probe(id)) continue;
    len += snprintf(chain + len, sizeof chain - (size_t)len, "%s%d", count ? "," : "", id);
    count++;
    want += cost_want(node_insns[id]);
    real += cost_real(node_insns[id]);
  }
  if (want != thr[me].want || real != thr[me].real)
    fatal("thread %d: its probed chain costs %ld (kernel %ld) but the helper accounted %ld (%ld)", me, want, real,
          thr[me].want, thr[me].real);
  struct status st;
  if (read_status(&st) != 0) fatal("thread %d: cannot read its status", me);
  if (st.filters >= 0 && st.filters != count)
    fatal("thread %d: probing finds %d filters but Seccomp_filters says %d", me, count, st.filters);
  int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (nnp != st.nnp) fatal("thread %d: PR_GET_NO_NEW_PRIVS says %d but NoNewPrivs: %d", me, nnp, st.nnp);
  emit("state %d tid=%d seccomp=%d filters=%d nnp=%d chain=%s", me, gettid_(), st.seccomp, st.filters, st.nnp, chain);
}

/* The baton loop every scenario thread runs (the leader included). */
static void run_thread(int me) {
  pthread_mutex_lock(&mu);
  for (;;) {
    while (!my_turn(me)) pthread_cond_wait(&turn_cv[me], &mu);
    if (pending_exit >= 0) {
      int j = pending_exit;
      pending_exit = -1;
      pthread_mutex_unlock(&mu);
      wait_gone(j);
      pthread_mutex_lock(&mu);
    }
    if (pc < nsteps) {
      if (steps[pc].op == OP_EXIT) {
        emit("step %d ok", pc);
        thr[me].state = T_EXITED;
        pc++;
        if (pc == nsteps) {
          reporter = next_alive(0);
          if (reporter < 0) emit("done");
        }
        pending_exit = reporter < 0 && pc == nsteps ? -1 : me;
        pass_baton();
        pthread_mutex_unlock(&mu);
        pthread_exit(NULL);
      }
      pthread_mutex_unlock(&mu);
      run_step();
      pthread_mutex_lock(&mu);
      pc++;
      if (pc == nsteps) reporter = next_alive(0);
    } else {
      pthread_mutex_unlock(&mu);
      report_self(me);
      pthread_mutex_lock(&mu);
      reporter = next_alive(me + 1);
      if (reporter < 0) {
        emit("done");
        exit(0);
      }
    }
    pass_baton();
  }
}

static void *thread_main(void *arg) {
  int me = (int)(long)arg;
  pthread_mutex_lock(&mu);
  thr[me].tid = gettid_();
  thr[me].state = T_ALIVE;
  emit("tid %d %d", me, thr[me].tid);
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  run_thread(me);
  return NULL;
}

/* Input (src/kernel/protocol.ts writes it):
 *   scenario <threads> <initial> <privileged> <steps>
 *   nnp <t> | attach <t> <flags> <insns> | clone <t> <child> | exit <t>   (one per step)
 * Thread indices: the initial threads first, then clone children in order. */
static void read_scenario(void) {
  if (scanf(" scenario %d %d %d %d", &nthreads, &ninitial, &privileged, &nsteps) != 4)
    fatal("input: expected a scenario header");
  if (nthreads < 1 || nthreads > MAX_THREADS)
    unrunnable("%d threads: the helper runs at most %d", nthreads, MAX_THREADS);
  if (ninitial < 1 || ninitial > nthreads || nsteps < 0 || nsteps > MAX_STEPS)
    unrunnable("the helper runs at most %d steps", MAX_STEPS);
  steps = calloc((size_t)nsteps + 1, sizeof *steps);
  node_insns = calloc(MAX_NODES + 1, sizeof *node_insns);
  node_exists = calloc(MAX_NODES + 1, 1);
  if (!steps || !node_insns || !node_exists) fatal("out of memory");
  int state[MAX_THREADS];
  for (int i = 0; i < nthreads; i++) state[i] = i < ninitial ? T_ALIVE : T_UNBORN;
  for (int i = 0; i < nsteps; i++) {
    char op[16];
    struct step *s = &steps[i];
    if (scanf(" %15s %d", op, &s->thread) != 2) fatal("input: step %d", i);
    if (s->thread < 0 || s->thread >= nthreads || state[s->thread] != T_ALIVE)
      fatal("input: step %d is run by thread %d, which is not alive", i, s->thread);
    if (!strcmp(op, "nnp")) s->op = OP_NNP;
    else if (!strcmp(op, "exit")) {
      s->op = OP_EXIT;
      state[s->thread] = T_EXITED;
    } else if (!strcmp(op, "clone")) {
      s->op = OP_CLONE;
      if (scanf(" %d", &s->child) != 1 || s->child < 0 || s->child >= nthreads || state[s->child] != T_UNBORN)
        fatal("input: step %d: bad clone child", i);
      state[s->child] = T_ALIVE;
    } else if (!strcmp(op, "attach")) {
      s->op = OP_ATTACH;
      if (scanf(" %u %d", &s->flags, &s->insns) != 2) fatal("input: step %d: bad attach", i);
      if (nnodes == MAX_NODES) unrunnable("more than %d attach steps (the probe errno space)", MAX_NODES);
      s->node = ++nnodes;
      node_insns[s->node] = s->insns;
    } else fatal("input: step %d: unknown op %s", i, op);
  }
}

/* `limit`: seconds before SIGALRM ends the process (a wedged baton must not
 * hang the caller forever). The caller scales it with the scenario's length,
 * or takes it from --timeout. */
static int mode_scenario(int limit) {
  read_scenario();
  alarm((unsigned)limit);
  if (privileged) {
    if (!has_sys_admin())
      unrunnable("the scenario is privileged (CAP_SYS_ADMIN) but the helper does not have it; run as root");
  } else {
    drop_sys_admin();
  }
  for (int i = 0; i < nthreads; i++) pthread_cond_init(&turn_cv[i], NULL);
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  thr[0].pt = pthread_self();
  thr[0].tid = gettid_();
  thr[0].state = T_ALIVE;
  emit("tid 0 %d", thr[0].tid);
  for (int i = 1; i < ninitial; i++) {
    pthread_t pt;
    int rc = pthread_create(&pt, &attr, thread_main, (void *)(long)i);
    if (rc != 0) fatal("pthread_create for initial thread %d: %s", i, strerror(rc));
    pthread_mutex_lock(&mu);
    thr[i].pt = pt;
    while (thr[i].tid == 0) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
  }
  pthread_mutex_lock(&mu);
  pc = 0; /* start: every initial thread exists */
  if (nsteps == 0) reporter = 0;
  pass_baton();
  pthread_mutex_unlock(&mu);
  run_thread(0);
  return 0;
}

/* ------------------------------------------------------------------ race */

/* The race check, per epoch (a fresh child process, so chains stay short):
 * the main thread does attach+TSYNC in a loop, publishing the id of each
 * TSYNC that returned; cloner threads create short-lived children in a loop.
 * Checks: a thread created after TSYNC k returned carries k (clone cannot
 * escape), and any thread alive after TSYNC k returned carries k. */

struct race_stats {
  atomic_long tsyncs, clone_exits, tsync_failed, clone_escaped, alive_missed, probes;
};
static struct race_stats *rs;
static atomic_int last_done; /* id of the newest TSYNC that returned, 0 if none */
static atomic_int stop_race;
static unsigned race_flags = SECCOMP_FILTER_FLAG_TSYNC; /* 0 in the negative control */
static int race_esrch;                                  /* every other TSYNC with TSYNC_ESRCH */
static int ring_size = 4;                               /* children each cloner keeps alive */

static void *race_child(void *arg) {
  int before = (int)(long)arg; /* read by the parent before pthread_create */
  if (before && !probe(before)) atomic_fetch_add(&rs->clone_escaped, 1);
  int now = atomic_load(&last_done);
  if (now && !probe(now)) atomic_fetch_add(&rs->alive_missed, 1);
  atomic_fetch_add(&rs->probes, 2);
  return NULL; /* returning from the start routine is pthread_exit */
}

#define RING_MAX 64
static void *race_cloner(void *arg) {
  (void)arg;
  pthread_t ring[RING_MAX];
  const int RING = ring_size;
  int n = 0, head = 0;
  while (!atomic_load(&stop_race)) {
    int l = atomic_load(&last_done);
    if (l && !probe(l)) atomic_fetch_add(&rs->alive_missed, 1);
    atomic_fetch_add(&rs->probes, 1);
    if (n == RING) {
      pthread_join(ring[head], NULL);
      atomic_fetch_add(&rs->clone_exits, 1);
      head = (head + 1) % RING;
      n--;
    }
    l = atomic_load(&last_done);
    if (pthread_create(&ring[(head + n) % RING], &attr, race_child, (void *)(long)l) != 0) continue;
    n++;
  }
  while (n-- > 0) {
    pthread_join(ring[head], NULL);
    atomic_fetch_add(&rs->clone_exits, 1);
    head = (head + 1) % RING;
  }
  return NULL;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void race_epoch(int cloners, int epoch, double deadline) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(20);
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t cl[16];
  for (int i = 0; i < cloners; i++)
    if (pthread_create(&cl[i], &attr, race_cloner, NULL) != 0) _exit(21);
  for (int id = 1; id <= epoch && now_ms() < deadline; id++) {
    unsigned flags = race_flags;
    if (race_esrch && (id & 1) && flags) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    long r = attach_probe(id, 0, flags);
    if (r != 0) {
      atomic_fetch_add(&rs->tsync_failed, 1);
      break;
    }
    atomic_store(&last_done, id);
    atomic_fetch_add(&rs->tsyncs, 1);
    if (!probe(id)) atomic_fetch_add(&rs->alive_missed, 1);
  }
  atomic_store(&stop_race, 1);
  for (int i = 0; i < cloners; i++) pthread_join(cl[i], NULL);
  _exit(0);
}

/* `control` = the negative control: attach WITHOUT the TSYNC flag, so the
 * checks must fire (a checker that cannot fail proves nothing). */
static int mode_race(int ms, int cloners, int epoch, int control, int ring, int esrch) {
  if (control) race_flags = 0;
  race_esrch = esrch;
  ring_size = ring;
  if (cloners < 1 || cloners > 16 || epoch < 1 || epoch > MAX_NODES || ms < 1 || ring < 1 || ring > RING_MAX) fatal("race: bad arguments");
  rs = mmap(NULL, sizeof *rs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (rs == MAP_FAILED) fatal("mmap: %s", strerror(errno));
  double start = now_ms(), deadline = start + ms;
  long epochs = 0;
  while (now_ms() < deadline) {
    pid_t pid = fork();
    if (pid < 0) fatal("fork: %s", strerror(errno));
    if (pid == 0) race_epoch(cloners, epoch, deadline);
    int ws = 0;
    waitpid(pid, &ws, 0);
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) fatal("race epoch process failed (status 0x%x)", ws);
    epochs++;
  }
  double el = now_ms() - start;
  emit("{\"elapsedMs\":%.1f,\"epochs\":%ld,\"cloners\":%d,\"ring\":%d,\"epochLength\":%d,\"tsyncs\":%ld,\"cloneExits\":%ld,"
       "\"probes\":%ld,\"violations\":{\"tsyncFailed\":%ld,\"cloneEscaped\":%ld,\"aliveMissed\":%ld}}",
       el, epochs, cloners, ring, epoch, atomic_load(&rs->tsyncs), atomic_load(&rs->clone_exits), atomic_load(&rs->probes),
       atomic_load(&rs->tsync_failed), atomic_load(&rs->clone_escaped), atomic_load(&rs->alive_missed));
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "check")) return mode_check();
  if (argc >= 2 && !strcmp(argv[1], "scenario")) return mode_scenario(argc >= 3 && atoi(argv[2]) > 0 ? atoi(argv[2]) : 20);
  if (argc >= 3 && !strcmp(argv[1], "calibrate")) return mode_calibrate(atoi(argv[2]));
  if (argc >= 8 && !strcmp(argv[1], "race"))
    return mode_race(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]), atoi(argv[7]));
  fprintf(stderr, "usage: %s check | scenario [SECS] < input | calibrate PAD | race MS CLONERS EPOCH CONTROL RING ESRCH\n", argv[0]);
  return 2;
}
