// FUZZ_CHECK for the libFuzzer targets: a violated invariant aborts with a message (libFuzzer
// and the corpus replay both report the abort as a failure). Never compiled out.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, message)                                                             \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "%s:%d: invariant violated: %s (%s)\n", __FILE__, __LINE__, #condition, \
                   message);                                                                       \
      std::abort();                                                                                \
    }                                                                                              \
  } while (false)
