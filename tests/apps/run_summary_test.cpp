// `swarmlab run`'s summary: the median and 90th percentile of the download times are the usual
// interpolated ones (as numpy, pandas and the report compute them from the database), so the
// printed figures and an analysis of the same run agree.
#include "tests/record/scratch.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

namespace swarmlab::apps {
namespace {

using record::testing::query;

const std::string small_scenario =
    std::string(SWARMLAB_SOURCE_DIR) + "/scenarios/library/small.toml";
const std::regex summary_line(
    R"(download time: mean ([0-9.]+) s, median ([0-9.]+) s, 90th percentile ([0-9.]+) s, )"
    R"(max ([0-9.]+) s)");

double interpolated(const std::vector<double>& sorted, double share) {
  const double position = share * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = static_cast<std::size_t>(std::ceil(position));
  return sorted[below] + (sorted[above] - sorted[below]) * (position - std::floor(position));
}

TEST(RunCommand, SummaryPercentilesAreInterpolatedAsAnalysisComputesThem) {
  const test::TempDir dir;
  const std::string database = (dir / "run.sqlite").string();
  // An even count: the median falls between two download times.
  const auto run = test::run_program(SWARMLAB_EXECUTABLE, {"run", small_scenario, "--db", database,
                                                           "--set", "groups.leechers.count=4"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::smatch printed;
  ASSERT_TRUE(std::regex_search(run.out, printed, summary_line)) << run.out;

  std::vector<double> times;
  for (const auto& row : query(database, "SELECT download_s FROM download_times ORDER BY 1"))
    times.push_back(std::stod(row.at(0)));
  ASSERT_EQ(times.size(), 4u);
  // Printed with one decimal.
  EXPECT_NEAR(std::stod(printed[2]), interpolated(times, 0.5), 0.051);
  EXPECT_NEAR(std::stod(printed[3]), interpolated(times, 0.9), 0.051);
  EXPECT_NEAR(std::stod(printed[4]), times.back(), 0.051);
}

}  // namespace
}  // namespace swarmlab::apps
