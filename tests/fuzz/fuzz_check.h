#pragma once
// Invariant checks for the fuzz targets: a broken invariant prints what broke and aborts, which
// libFuzzer reports as a crash (and saves the input) and the replay test reports as a failure.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace huiqi::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* what, std::string_view detail) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n  %.*s\n", file, line, what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace huiqi::fuzz

// FUZZ_CHECK(condition, detail): `detail` (a string) says which input broke it.
#define FUZZ_CHECK(cond, detail)                                         \
  do {                                                                   \
    if (!(cond)) ::huiqi::fuzz::Fail(__FILE__, __LINE__, #cond, detail); \
  } while (0)
