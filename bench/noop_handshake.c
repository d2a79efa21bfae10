// The exec floor: a static no-op "provider" that writes a handshake-shaped line, as the first
// thing it does, then waits to be terminated. Its exec-to-first-line time is what any provider
// start-up pays for fork, exec and the pipe on this machine; run_bench.py reports it next to the
// real provider's handshake times. Built by run_bench.py with `cc -O2 -static`.
#include <unistd.h>

int main(void) {
  static const char kLine[] = "1|6|unix|/tmp/plugin-noop-handshake|grpc|\n";
  if (write(STDOUT_FILENO, kLine, sizeof kLine - 1) != (ssize_t)(sizeof kLine - 1)) return 1;
  pause();  // Until SIGTERM, like a provider.
  return 0;
}
