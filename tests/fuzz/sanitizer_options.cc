// Sanitizer defaults of the libFuzzer targets (fuzz build only): an undefined-behaviour report is
// fatal, so libFuzzer records the input, except for the third-party findings in ubsan.supp.
// UBSAN_OPTIONS set in the environment still takes precedence.

extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" AGORA_UBSAN_SUPPRESSIONS;
}
