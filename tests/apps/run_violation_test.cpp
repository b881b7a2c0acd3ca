// `swarmlab run` when an invariant is violated: exit status 3, and a command that reproduces the
// failure: the same scenario, seed and overrides (a liveness deadline cut to 5 s here, without
// which the run completes).
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swarmlab::apps {
namespace {

const std::string scenario = std::string(SWARMLAB_SOURCE_DIR) + "/scenarios/library/small.toml";

TEST(RunCommand, ViolationPrintsACommandThatReproducesIt) {
  const auto result = test::run_program(
      SWARMLAB_EXECUTABLE, {"run", scenario, "--quiet", "--seed", "3", "--set",
                            "stop.liveness_deadline_s=5", "--set", "description=a b's"});
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  std::string expected = "reproduce with: swarmlab run ";
  expected.append(scenario);
  expected.append(" --seed 3 --set stop.liveness_deadline_s=5 --set 'description=a b'\\''s'\n");
  EXPECT_NE(result.err.find(expected), std::string::npos) << result.err;
}

}  // namespace
}  // namespace swarmlab::apps
