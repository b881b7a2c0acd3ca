// For tests/sim/huge_page_heap_test.cpp: asks for the huge-page heap as a simulation's entry point
// does, then prints the GLIBC_TUNABLES it runs with ("(unset)" when there is none).
#include "sim/huge_page_heap.hpp"

#include <cstdio>
#include <cstdlib>

int main(int, char** argv) {
  swarmlab::sim::reexec_with_huge_page_heap(argv);
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  std::printf("%s\n", tunables != nullptr ? tunables : "(unset)");
  return 0;
}
