// Asks the processor to start loading the cache line at `address`, which is not read yet; any
// address is allowed (a prefetch never faults).
//
// GCC 12 at -O2 deletes some plain __builtin_prefetch calls outright: one whose address is read
// out of a ring slot, inside a small inlined member function, left no instruction at all. The
// empty volatile asm makes the call an effect the optimiser must keep.
#pragma once

namespace swarmlab::sim {

inline void prefetch(const void* address) {
  __builtin_prefetch(address);
  asm volatile("" : : "r"(address));
}

}  // namespace swarmlab::sim
