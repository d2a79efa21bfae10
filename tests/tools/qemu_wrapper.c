// qemu_wrapper: stands in the linux_amd64 slot of a provider package for a linux_arm64 build, so
// that the amd64 terraform of this machine drives the arm64 binary through qemu-user
// (tests/e2e/arm64_suite.py). Started as DIR/NAME, it replaces itself (execv: the same process,
// so terraform's pipes, signals and parent-death checks reach the provider unchanged) with
//
//   DIR/arm64/qemu-aarch64-static DIR/arm64/NAME ARGS...
//
// It is static, needs no shell and names no absolute path, so that it also runs in a chroot that
// holds nothing else (tests/e2e/test_empty_root.py).
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 1 || argv[0] == NULL) return 127;
  const char* self = argv[0];
  const char* slash = strrchr(self, '/');
  int dir_length = slash != NULL ? (int)(slash - self) : 1;
  const char* dir = slash != NULL ? self : ".";
  const char* name = slash != NULL ? slash + 1 : self;

  char qemu[PATH_MAX];
  char target[PATH_MAX];
  if (snprintf(qemu, sizeof qemu, "%.*s/arm64/qemu-aarch64-static", dir_length, dir) >=
          (int)sizeof qemu ||
      snprintf(target, sizeof target, "%.*s/arm64/%s", dir_length, dir, name) >=
          (int)sizeof target) {
    fprintf(stderr, "qemu_wrapper: path too long: %s\n", self);
    return 127;
  }
  char** args = calloc((size_t)argc + 2, sizeof *args);
  if (args == NULL) return 127;
  args[0] = qemu;
  args[1] = target;
  for (int i = 1; i < argc; ++i) args[i + 1] = argv[i];
  execv(qemu, args);
  fprintf(stderr, "qemu_wrapper: cannot run %s: %s\n", qemu, strerror(errno));
  return 127;
}
