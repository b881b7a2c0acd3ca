// The program's own command line, whatever the command: --version, a misspelt command, and a bad
// flag each get one line that names the command.
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace swarmlab::apps {
namespace {

test::ProcessResult swarmlab(const std::vector<std::string>& arguments) {
  return test::run_program(SWARMLAB_EXECUTABLE, arguments);
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CommandLine, VersionFlagPrintsWhatTheVersionCommandPrints) {
  const auto command = swarmlab({"version"});
  ASSERT_EQ(command.exit_code, 0) << command.err;
  EXPECT_EQ(command.out.rfind("swarmlab ", 0), 0u) << command.out;
  for (const char* flag : {"--version", "-V"}) {
    const auto result = swarmlab({flag});
    EXPECT_EQ(result.exit_code, 0) << flag << result.err;
    EXPECT_EQ(result.out, command.out) << flag;
  }
}

TEST(CommandLine, MisspeltCommandIsNamedWithTheCommands) {
  const auto result = swarmlab({"donwload", "x.torrent"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("'donwload' is not a command"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("download"), std::string::npos) << result.err;
  const auto none = swarmlab({});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_EQ(line_count(none.err), 1u) << none.err;
}

TEST(CommandLine, BadFlagIsOneLineNamingTheCommand) {
  const auto unknown = swarmlab({"create", "--bogus-flag", "x", "-o", "y"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_EQ(line_count(unknown.err), 1u) << unknown.err;
  EXPECT_EQ(unknown.err.rfind("swarmlab create: ", 0), 0u) << unknown.err;
  EXPECT_NE(unknown.err.find("--bogus-flag"), std::string::npos) << unknown.err;
  const auto range = swarmlab({"tracker", "--http-port", "70000"});
  EXPECT_NE(range.exit_code, 0);
  EXPECT_EQ(line_count(range.err), 1u) << range.err;
  EXPECT_EQ(range.err.rfind("swarmlab tracker: ", 0), 0u) << range.err;
}

// "-1" converts to a 64-bit unsigned number by wrapping around; the seed names the flag instead.
TEST(CommandLine, NegativeSeedIsRefusedNamingTheFlag) {
  const auto result = swarmlab(
      {"run", std::string(SWARMLAB_SOURCE_DIR) + "/scenarios/library/small.toml", "--seed", "-1"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("--seed must be a whole number"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace swarmlab::apps
