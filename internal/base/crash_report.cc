#include "internal/base/crash_report.h"

#include <elf.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "absl/debugging/internal/demangle.h"
#include "absl/debugging/internal/symbolize.h"
#include "absl/debugging/symbolize.h"

// Defined by the linker: this executable's ELF header, as loaded.
extern "C" const char __ehdr_start[];

namespace base {
namespace {

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr int kMaxFrames = 64;
constexpr size_t kAlternateStackSize = 64 * 1024;

// Prepared before any crash: a signal handler may only use async-signal-safe calls.
char g_prefix[256];
size_t g_prefix_length = 0;
// In .bss: no memory until a crash uses it, and always reachable (no leak report).
alignas(16) char g_alternate_stack[kAlternateStackSize];

const char* SignalName(int signal_number) {
  switch (signal_number) {
    case SIGSEGV:
      return "SIGSEGV (segmentation fault)";
    case SIGBUS:
      return "SIGBUS (bus error)";
    case SIGFPE:
      return "SIGFPE (arithmetic exception)";
    case SIGILL:
      return "SIGILL (illegal instruction)";
    case SIGABRT:
      return "SIGABRT (aborted)";
  }
  return "fatal signal";
}

void Write(const char* data, size_t length) {
  while (length > 0) {
    const ssize_t n = write(STDERR_FILENO, data, length);
    if (n <= 0) return;
    data += n;
    length -= static_cast<size_t>(n);
  }
}

void Write(const char* text) { Write(text, std::strlen(text)); }

// "0x" and 16 hex digits, without printf (not async-signal-safe).
void WriteHex(uintptr_t value) {
  char buffer[19] = "0x";
  for (int i = 0; i < 16; ++i) buffer[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xf];
  Write(buffer, 18);
}

void WriteDecimal(int value) {
  char buffer[12];
  int i = sizeof(buffer);
  unsigned v = static_cast<unsigned>(value < 0 ? -value : value);
  do {
    buffer[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && i > 0);
  Write(buffer + i, sizeof(buffer) - static_cast<size_t>(i));
}

// The report Terraform shows: the panic line, then one line per frame of the crashing thread
// (unwound through the signal frame with the binary's unwind tables, so no frame pointers are
// needed), named where the symbol table has the function.
void HandleCrash(int signal_number, siginfo_t* info, void*) {
  Write(g_prefix, g_prefix_length);
  Write(SignalName(signal_number));
  Write("\n\n[signal ");
  WriteDecimal(signal_number);
  Write(" code=");
  WriteDecimal(info->si_code);
  Write(" addr=");
  WriteHex(reinterpret_cast<uintptr_t>(info->si_addr));
  Write(" pid=");
  WriteDecimal(static_cast<int>(getpid()));
  Write(" tid=");
  WriteDecimal(static_cast<int>(gettid()));
  Write("]\n\nthread ");
  WriteDecimal(static_cast<int>(gettid()));
  Write(":\n");
  // In this static binary backtrace() is libgcc's unwinder over .eh_frame_hdr: no loader, no
  // allocation. Not warmed up in advance: that would keep 0.4 MiB of unwind tables resident in
  // every provider process for the rare crash.
  void* frames[kMaxFrames];
  const int count = backtrace(frames, kMaxFrames);
  for (int i = 0; i < count; ++i) {
    const uintptr_t pc = reinterpret_cast<uintptr_t>(frames[i]);
    char name[512];
    // A return address points after the call: look up the call itself.
    const bool named =
        absl::Symbolize(reinterpret_cast<void*>(i == 0 ? pc : pc - 1), name, sizeof(name));
    Write("  ");
    WriteHex(pc);
    Write("  ");
    Write(named ? name : "(unknown)");
    Write("\n");
  }
  // Die with the signal, as an unhandled one would (the exit status says which).
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// The executable's own path (as the kernel, or qemu-user, reports it), read at start-up.
char g_executable_path[4096];

// pread() all of `size` bytes at `offset`, or false.
bool ReadExact(int fd, void* out, size_t size, off_t offset) {
  char* cursor = static_cast<char*>(out);
  while (size > 0) {
    const ssize_t n = pread(fd, cursor, size, offset);
    if (n <= 0) return false;
    cursor += n;
    size -= static_cast<size_t>(n);
    offset += n;
  }
  return true;
}

// Names `pc` from this executable's own symbol table (the names of our functions, which the
// release keeps: scripts/strip_release.sh) into `out`, or leaves it empty. Async-signal-safe:
// pread() into stack buffers only. Assumes what -static-pie gives: the ELF header loaded at
// __ehdr_start, symbol values relative to it.
void NameFromOwnSymbolTable(uintptr_t pc, char* out, size_t out_size, char* scratch,
                            size_t scratch_size) {
  const int fd = open(g_executable_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const uintptr_t address = pc - reinterpret_cast<uintptr_t>(__ehdr_start);
  ElfW(Ehdr) header;
  ElfW(Shdr) symtab = {};
  ElfW(Shdr) strtab = {};
  bool found = ReadExact(fd, &header, sizeof(header), 0) &&
               std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
               header.e_shentsize == sizeof(ElfW(Shdr));
  for (unsigned i = 0; found && i < header.e_shnum; ++i) {
    ElfW(Shdr) section;
    if (!ReadExact(fd, &section, sizeof(section), header.e_shoff + i * sizeof(section))) break;
    if (section.sh_type != SHT_SYMTAB) continue;
    symtab = section;
    found = ReadExact(fd, &strtab, sizeof(strtab),
                      header.e_shoff + symtab.sh_link * sizeof(strtab));
    break;
  }
  if (found && symtab.sh_entsize == sizeof(ElfW(Sym))) {
    ElfW(Sym) symbols[64];
    const size_t count = symtab.sh_size / sizeof(ElfW(Sym));
    for (size_t first = 0; first < count; first += 64) {
      const size_t batch = std::min<size_t>(64, count - first);
      if (!ReadExact(fd, symbols, batch * sizeof(ElfW(Sym)),
                     symtab.sh_offset + first * sizeof(ElfW(Sym)))) {
        break;
      }
      for (size_t j = 0; j < batch; ++j) {
        const ElfW(Sym)& symbol = symbols[j];
        if (ELF64_ST_TYPE(symbol.st_info) != STT_FUNC || address < symbol.st_value ||
            address >= symbol.st_value + symbol.st_size) {
          continue;
        }
        // The mangled name into scratch, then demangled into out (or copied as it is).
        const ssize_t n = pread(fd, scratch, scratch_size - 1, strtab.sh_offset + symbol.st_name);
        if (n > 0) {
          scratch[n] = '\0';
          if (!absl::debugging_internal::Demangle(scratch, out, static_cast<int>(out_size))) {
            std::strncpy(out, scratch, out_size - 1);
            out[out_size - 1] = '\0';
          }
        }
        first = count;
        break;
      }
    }
  }
  close(fd);
}

// abseil's symbolizer names only addresses /proc/self/maps shows in an executable mapping of a
// file. Under qemu-user (the linux_arm64 end-to-end tests, tests/e2e/arm64_suite.py; an amd64
// image on an arm64 Mac) the host sees guest code mapped read-only, and nothing is named: this
// decorator, which abseil calls with whatever it found, fills in our own functions' names then.
void NameWhatAbseilCouldNot(const absl::debugging_internal::SymbolDecoratorArgs* args) {
  if (args->symbol_buf[0] != '\0' || g_executable_path[0] == '\0') return;
  NameFromOwnSymbolTable(reinterpret_cast<uintptr_t>(args->pc), args->symbol_buf,
                         args->symbol_buf_size, args->tmp_buf, args->tmp_buf_size);
}

void InstallOwnSymbolTableFallback() {
  const ssize_t n = readlink("/proc/self/exe", g_executable_path, sizeof(g_executable_path) - 1);
  if (n <= 0) return;  // No /proc (an empty root): abseil cannot read maps there either.
  g_executable_path[n] = '\0';
  absl::debugging_internal::InstallSymbolDecorator(NameWhatAbseilCouldNot, nullptr);
}

// A thread's own alternate signal stack, unmapped when the thread exits.
class ThreadAlternateStack {
 public:
  ThreadAlternateStack() = default;
  ThreadAlternateStack(const ThreadAlternateStack&) = delete;
  ThreadAlternateStack& operator=(const ThreadAlternateStack&) = delete;
  ~ThreadAlternateStack() {
    if (memory_ == nullptr) return;
    stack_t disable = {};
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    munmap(memory_, kAlternateStackSize);
  }

  void Ensure() {
    if (checked_) return;
    checked_ = true;
    stack_t current = {};
    if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;
    // Mapped, not allocated: untouched pages cost nothing until a crash writes to them.
    void* memory = mmap(nullptr, kAlternateStackSize, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (memory == MAP_FAILED) return;  // The report is lost on overflow only.
    stack_t alternate = {};
    alternate.ss_sp = memory;
    alternate.ss_size = kAlternateStackSize;
    if (sigaltstack(&alternate, nullptr) != 0) {
      munmap(memory, kAlternateStackSize);
      return;
    }
    memory_ = memory;
  }

 private:
  bool checked_ = false;
  void* memory_ = nullptr;
};

}  // namespace

void EnsureAlternateSignalStack() {
  thread_local ThreadAlternateStack stack;
  stack.Ensure();
}

void InstallCrashReport(const char* argv0, std::string_view program, std::string_view version) {
  absl::InitializeSymbolizer(argv0);
  InstallOwnSymbolTableFallback();

  // "panic: terraform-provider-x 1.2.3 crashed: " (truncated to the buffer if absurdly long).
  const std::string_view parts[] = {"panic: ", program, " ", version, " crashed: "};
  for (std::string_view part : parts) {
    const size_t n = std::min(part.size(), sizeof(g_prefix) - 1 - g_prefix_length);
    std::memcpy(g_prefix + g_prefix_length, part.data(), n);
    g_prefix_length += n;
  }

  // A stack overflow still gets its report: the handler runs on a stack of its own. This
  // thread's is in .bss; other threads map theirs (EnsureAlternateSignalStack).
  stack_t alternate = {};
  alternate.ss_sp = g_alternate_stack;
  alternate.ss_size = sizeof(g_alternate_stack);
  sigaltstack(&alternate, nullptr);

  for (int signal_number : kCrashSignals) {
    struct sigaction action = {};
    action.sa_sigaction = HandleCrash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace base
