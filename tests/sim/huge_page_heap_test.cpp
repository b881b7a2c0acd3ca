// The re-execution that gives a simulation a heap of huge pages (sim/huge_page_heap.hpp): which
// GLIBC_TUNABLES value it asks for, and, through a probe program, that it really runs the program
// again with it and leaves a user's own choice alone.
#include "sim/huge_page_heap.hpp"
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swarmlab::sim {
namespace {

TEST(HugePageHeap, TunablesAddTheRequestToWhatIsSet) {
  EXPECT_EQ(tunables_with_huge_pages(nullptr), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_huge_pages(""), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.tcache_count=0"),
            "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1");
}

TEST(HugePageHeap, TunablesLeaveAnExplicitChoiceAlone) {
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.hugetlb=0"), std::nullopt);
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.check=3:glibc.malloc.hugetlb=1"), std::nullopt);
}

TEST(HugePageHeap, ProgramRunsAgainWithTheTunable) {
  if (!kernel_allows_huge_pages()) GTEST_SKIP() << "transparent huge pages are off on this kernel";
  const test::ProcessResult unset =
      test::run_process({"env", "-u", "GLIBC_TUNABLES", SWARMLAB_HUGE_PAGE_PROBE});
  EXPECT_EQ(unset.exit_code, 0) << unset.err;
  EXPECT_EQ(unset.out, "glibc.malloc.hugetlb=1\n");
  const test::ProcessResult other = test::run_process(
      {"env", "GLIBC_TUNABLES=glibc.malloc.tcache_count=7", SWARMLAB_HUGE_PAGE_PROBE});
  EXPECT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(other.out, "glibc.malloc.tcache_count=7:glibc.malloc.hugetlb=1\n");
}

TEST(HugePageHeap, ProgramKeepsAnExplicitChoice) {
  const test::ProcessResult off =
      test::run_process({"env", "GLIBC_TUNABLES=glibc.malloc.hugetlb=0", SWARMLAB_HUGE_PAGE_PROBE});
  EXPECT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(off.out, "glibc.malloc.hugetlb=0\n");
}

}  // namespace
}  // namespace swarmlab::sim
