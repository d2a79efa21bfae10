// Installed by run_bench.py in place of the provider binary: runs the real provider as its child
// with the same arguments, environment and file descriptors, and when the child exits appends one
// line to a log file:
//
//   pid=<child pid> max_rss_kib=<ru_maxrss from wait4> max_threads=<most seen>
//       cpu_us=<ru_utime + ru_stime from wait4> status=<wait status>
//
// Peak RSS is the kernel's accounting of the child (wait4); the thread count is the largest
// "Threads:" value read from /proc/<pid>/status, polled every millisecond while the child runs.
// The wrapper writes nothing to stdout (the child's handshake line goes there), forwards SIGTERM,
// SIGINT and SIGHUP to the child, and exits the way the child did.
//
// Environment: AGORA_BENCH_PROVIDER (the real provider binary), AGORA_BENCH_RUSAGE_LOG (the log).
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child_pid;

static void Forward(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

// The "Threads:" count of `pid`, or 0 when it cannot be read (e.g. the process just exited).
static long Threads(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[8192];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  const char* field = strstr(buf, "\nThreads:");
  return field ? strtol(field + strlen("\nThreads:"), NULL, 10) : 0;
}

int main(int argc, char** argv) {
  (void)argc;
  const char* provider = getenv("AGORA_BENCH_PROVIDER");
  const char* log_path = getenv("AGORA_BENCH_RUSAGE_LOG");
  if (!provider || !log_path) {
    fprintf(stderr, "rusage_wrapper: AGORA_BENCH_PROVIDER and AGORA_BENCH_RUSAGE_LOG must be set\n");
    return 127;
  }

  struct sigaction forward = {0};
  forward.sa_handler = Forward;
  sigemptyset(&forward.sa_mask);
  sigaction(SIGTERM, &forward, NULL);
  sigaction(SIGINT, &forward, NULL);
  sigaction(SIGHUP, &forward, NULL);

  pid_t pid = fork();
  if (pid < 0) {
    perror("rusage_wrapper: fork");
    return 127;
  }
  if (pid == 0) {
    argv[0] = (char*)provider;
    execv(provider, argv);
    perror("rusage_wrapper: exec");
    _exit(127);
  }
  child_pid = pid;

  const struct timespec poll_interval = {0, 1000000};
  long max_threads = 0;
  int status = 0;
  struct rusage usage;
  for (;;) {
    pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0) {
      perror("rusage_wrapper: wait4");
      return 127;
    }
    long threads = Threads(pid);
    if (threads > max_threads) max_threads = threads;
    nanosleep(&poll_interval, NULL);
  }

  int log = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (log >= 0) {
    long long cpu_us = (long long)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000 +
                       usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
    dprintf(log, "pid=%d max_rss_kib=%ld max_threads=%ld cpu_us=%lld status=%d\n", (int)pid,
            usage.ru_maxrss, max_threads, cpu_us, status);
    close(log);
  } else {
    perror("rusage_wrapper: log");
  }

  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 127;
}
