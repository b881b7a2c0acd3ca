// Runs the process again with glibc's malloc backing the heap with transparent huge pages.
//
// A simulation touches tens of thousands of small heap objects (hosts, coroutine frames, links,
// handlers) in no useful order. With 4 KiB pages most of those touches miss the TLB as well as the
// cache, and in a virtual machine each TLB miss is a two-level page walk. glibc's tunable
// glibc.malloc.hugetlb=1 makes malloc ask for huge pages, but glibc reads it only at process start,
// so an entry point that runs simulations calls this first: it executes /proc/self/exe again with
// the tunable added to GLIBC_TUNABLES, and returns only when that is pointless or impossible. It
// changes speed only: no simulated outcome depends on an address.
//
// It does nothing when GLIBC_TUNABLES already names the tunable (so glibc.malloc.hugetlb=0 turns
// it off), when the kernel has transparent huge pages disabled, under Valgrind (which would lose
// sight of the new image), and when the program was started through the dynamic loader. Under a
// sanitizer the tunable is harmless and without effect (the sanitizer's allocator is not glibc's).
#pragma once

#include <optional>
#include <string>

namespace swarmlab::sim {

void reexec_with_huge_page_heap(char** argv);

// The GLIBC_TUNABLES value that asks for the huge-page heap, keeping the other tunables of
// `current` (null when the variable is unset); nothing when `current` already sets it either way.
std::optional<std::string> tunables_with_huge_pages(const char* current);

// Whether the kernel's transparent huge pages are on ("always" or "madvise").
bool kernel_allows_huge_pages();

}  // namespace swarmlab::sim
