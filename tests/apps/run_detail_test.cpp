// `swarmlab run --detail`: the recording level reaches the database (wire adds every request,
// block and HAVE; the default, pieces, has none of them), and a level that does not exist is a
// bad flag.
#include "tests/record/scratch.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace swarmlab::apps {
namespace {

using record::testing::query_value;

const std::string small_scenario =
    std::string(SWARMLAB_SOURCE_DIR) + "/scenarios/library/small.toml";

test::ProcessResult run_small(const std::string& database, const std::string& detail) {
  std::vector<std::string> arguments = {
      "run", small_scenario, "--quiet", "--db", database, "--set", "groups.leechers.count=4"};
  if (!detail.empty()) arguments.insert(arguments.end(), {"--detail", detail});
  return test::run_program(SWARMLAB_EXECUTABLE, arguments);
}

TEST(RunCommand, DetailChoosesTheEventsRecorded) {
  const test::TempDir dir;
  const std::string wire = (dir / "wire.sqlite").string();
  const std::string pieces = (dir / "pieces.sqlite").string();
  const auto with_wire = run_small(wire, "wire");
  ASSERT_EQ(with_wire.exit_code, 0) << with_wire.err;
  const auto by_default = run_small(pieces, "");
  ASSERT_EQ(by_default.exit_code, 0) << by_default.err;
  const std::string blocks = "SELECT count(*) > 0 FROM events WHERE kind = 'block_received'";
  const std::string verified = "SELECT count(*) > 0 FROM events WHERE kind = 'piece_verified'";
  EXPECT_EQ(query_value(wire, blocks), "1");
  EXPECT_EQ(query_value(pieces, blocks), "0");
  EXPECT_EQ(query_value(pieces, verified), "1");
  // The level changes what is written, not what happens.
  EXPECT_EQ(with_wire.out.substr(with_wire.out.rfind("trace-hash:")),
            by_default.out.substr(by_default.out.rfind("trace-hash:")));

  const auto bad =
      test::run_program(SWARMLAB_EXECUTABLE, {"run", small_scenario, "--detail", "everything"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--detail"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace swarmlab::apps
