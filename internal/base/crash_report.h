// Readable crashes, as Go providers give: on SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT the
// process writes to stderr a line beginning `panic: ` (program, version, signal), then the
// crashing thread's stack trace, symbolized, and dies with the signal. Terraform prints the
// lines that follow a `panic: ` line of a plugin's stderr as "Stack trace from the ... plugin"
// and reports "The ... plugin crashed!" (docs/design/terraform-plugin.md §6).
#pragma once

#include <string_view>

namespace base {

// Call once, early in main (before threads start). `argv0` is for the symbolizer; `program` and
// `version` go into the panic line. The release binary keeps the symbols of our own code for the
// symbolizer (scripts/strip_release.sh).
void InstallCrashReport(const char* argv0, std::string_view program, std::string_view version);

// Gives the calling thread an alternate signal stack of its own, so that a stack overflow on it
// still gets its report: the handler cannot run on the stack that overflowed, and an alternate
// stack is per thread (sigaltstack(2)). InstallCrashReport does this for the thread that calls
// it; every other thread that runs our code calls this before it does (gRPC's handler threads:
// internal/tfprotocol/rpc.h). Cheap after the first call on a thread (a thread-local check);
// the stack is unmapped when the thread exits. A thread that already has an alternate stack
// (e.g. one a sanitizer runtime installed) keeps it.
void EnsureAlternateSignalStack();

}  // namespace base
