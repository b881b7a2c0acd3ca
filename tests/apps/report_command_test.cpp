// `swarmlab report` end to end: a run written by the recorder, turned into figures by the
// executable, which finds analysis/ and runs Debian's Python.
#include "record/recorder.hpp"
#include "tests/record/recorder_fixture.hpp"
#include "tests/record/scratch.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace swarmlab::record {
namespace {

using testing::add_small_swarm;
using testing::at_ms;
using testing::sample;
using testing::ScratchDirectory;

struct CommandResult {
  int status = -1;
  std::string errors;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `swarmlab <arguments>` through the shell, with `environment` assignments before it.
CommandResult run_swarmlab(const std::string& arguments, const std::string& errors_path,
                           const std::string& environment = "") {
  const std::string command =
      environment + " " + SWARMLAB_EXECUTABLE + " " + arguments + " > /dev/null 2> " + errors_path;
  const int status = std::system(command.c_str());
  CommandResult result;
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.errors = read_file(errors_path);
  return result;
}

// Two leechers download 8 pieces from the seed over 8 seconds; leecher 3 completes at 8 s.
void write_run(const std::string& path) {
  Recorder recorder(path);
  recorder.begin_run(testing::small_run());
  add_small_swarm(recorder);
  const std::array<std::uint8_t, 1> all_pieces{0xff};
  recorder.on_host_joined(at_ms(0), 1, all_pieces);
  recorder.on_host_joined(at_ms(0), 2, {});
  recorder.on_host_joined(at_ms(0), 3, {});
  for (std::uint32_t second = 0; second <= 8; ++second) {
    if (second > 0) {
      recorder.on_piece_verified(at_ms(1000 * second - 1), 2, second - 1);
      recorder.on_piece_verified(at_ms(1000 * second - 1), 3, second - 1);
    }
    const std::uint64_t bytes = std::uint64_t{second} * 16384;
    recorder.record_samples(
        at_ms(1000 * second),
        std::vector<HostSample>{sample(1, 2 * bytes, 0, 8), sample(2, bytes / 2, bytes, second),
                                sample(3, bytes / 4, bytes, second)});
  }
  recorder.on_completed(at_ms(8000), 3);
  recorder.finish_run(at_ms(8000), "feed", Outcome::completed);
}

TEST(ReportCommand, WritesEveryFigureAndThePage) {
  ScratchDirectory scratch;
  const std::string database = scratch.file("run.sqlite");
  write_run(database);
  const std::string output = scratch.file("report");
  const CommandResult outcome =
      run_swarmlab("report " + database + " -o " + output, scratch.file("errors.txt"));
  ASSERT_EQ(outcome.status, 0) << outcome.errors;
  const std::string page = read_file(output + "/index.html");
  for (const char* figure : {"completion_cdf.png", "swarm_progress.png", "rarest_piece.png",
                             "ratio_by_class.png", "piece_availability.png"}) {
    EXPECT_NE(page.find(std::string("src=\"") + figure + "\""), std::string::npos) << figure;
    const std::string png = read_file(output + "/" + figure);
    EXPECT_EQ(png.substr(0, 4), "\x89PNG") << figure;
  }
  EXPECT_NE(page.find("unit_swarm seed 42"), std::string::npos);
}

TEST(ReportCommand, PassesTheScriptsErrorsAndStatusThrough) {
  ScratchDirectory scratch;
  const std::string missing = scratch.file("missing.sqlite");
  const CommandResult outcome =
      run_swarmlab("report " + missing + " -o " + scratch.file("out"), scratch.file("errors.txt"));
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.errors.find(missing + ": no such file"), std::string::npos) << outcome.errors;
}

TEST(ReportCommand, ExplainsAnAnalysisFolderWithoutTheScript) {
  ScratchDirectory scratch;
  const CommandResult outcome =
      run_swarmlab("report x.sqlite -o " + scratch.file("out"), scratch.file("errors.txt"),
                   "SWARMLAB_ANALYSIS_DIR=" + scratch.path().string());
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.errors.find("SWARMLAB_ANALYSIS_DIR=" + scratch.path().string() +
                                " holds no report.py"),
            std::string::npos)
      << outcome.errors;
}

}  // namespace
}  // namespace swarmlab::record
