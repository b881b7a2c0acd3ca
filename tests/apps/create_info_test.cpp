// The `create` and `info` commands, run as the built program.
#include "protocol/bencode.hpp"
#include "protocol/sha1.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>

#include <sys/stat.h>

namespace swarmlab::apps {
namespace {

using test::pattern_bytes;
using test::run_process;
using test::TempDir;
using test::write_file;

test::ProcessResult swarmlab(const std::vector<std::string>& arguments) {
  return test::run_program(SWARMLAB_EXECUTABLE, arguments);
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// SHA-1 of the "info" value's bytes in a .torrent, located by the bencode decoder.
std::string info_hash_of(const std::filesystem::path& torrent) {
  const std::string bytes = test::read_file(torrent);
  auto document = protocol::bencode::decode(bytes);
  EXPECT_TRUE(document);
  if (!document) return {};
  return protocol::to_hex(protocol::sha1(document->root().find("info")->encoded()));
}

boost::json::object info_json(const std::filesystem::path& torrent) {
  const auto result = swarmlab({"info", torrent.string(), "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return boost::json::parse(result.out).as_object();
}

// Every entry of a directory, to check that nothing (no temporary file) was left behind.
std::vector<std::string> entries(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CreateCommand, WritesATorrentThatInfoDescribes) {
  TempDir dir;
  write_file(dir / "content/a.bin", pattern_bytes(70'000, 1));
  write_file(dir / "content/sub/b.bin", pattern_bytes(5'000, 2));
  const auto created = swarmlab({"create", (dir / "content").string(), "-o",
                                 (dir / "out.torrent").string(), "--piece-length", "32768"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string hash = info_hash_of(dir / "out.torrent");
  EXPECT_NE(created.out.find("info-hash: " + hash), std::string::npos) << created.out;

  const auto text = swarmlab({"info", (dir / "out.torrent").string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("name: content\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("info-hash: " + hash + "\n"), std::string::npos);
  EXPECT_NE(text.out.find("piece length: 32768\n"), std::string::npos);
  EXPECT_NE(text.out.find("piece count: 3\n"), std::string::npos);
  EXPECT_NE(text.out.find("total size: 75000 "), std::string::npos);
  EXPECT_NE(text.out.find("sub/b.bin"), std::string::npos);
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"content", "out.torrent"}));
}

TEST(CreateCommand, FlagsReachTheTorrent) {
  TempDir dir;
  write_file(dir / "file.bin", pattern_bytes(1000, 3));
  const auto created =
      swarmlab({"create", (dir / "file.bin").string(), "-o", (dir / "f.torrent").string(),
                "--tracker", "http://t1/announce", "--tracker", "udp://t2:6969", "--private",
                "--comment", "hello there", "--no-date"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const boost::json::object info = info_json(dir / "f.torrent");
  EXPECT_EQ(info.at("name"), "file.bin");
  EXPECT_EQ(info.at("info_hash"), info_hash_of(dir / "f.torrent").c_str());
  EXPECT_EQ(info.at("private"), true);
  EXPECT_EQ(info.at("comment"), "hello there");
  EXPECT_EQ(info.at("total_size"), 1000);
  EXPECT_EQ(info.at("piece_length"), 16384);  // automatic: the smallest
  EXPECT_EQ(info.at("piece_count"), 1);
  EXPECT_TRUE(info.at("creation_date").is_null());
  const boost::json::array& tiers = info.at("trackers").as_array();
  ASSERT_EQ(tiers.size(), 2u);
  EXPECT_EQ(tiers[0].as_array()[0], "http://t1/announce");
  EXPECT_EQ(tiers[1].as_array()[0], "udp://t2:6969");
  const boost::json::array& files = info.at("files").as_array();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].at("path"), "file.bin");
  EXPECT_EQ(files[0].at("length"), 1000);
}

TEST(CreateCommand, DateIsWrittenUnlessOmitted) {
  TempDir dir;
  write_file(dir / "f", "data");
  ASSERT_EQ(
      swarmlab({"create", (dir / "f").string(), "-o", (dir / "f.torrent").string()}).exit_code, 0);
  EXPECT_TRUE(info_json(dir / "f.torrent").at("creation_date").is_int64());
}

TEST(CreateCommand, NoDateIsReproducible) {
  TempDir dir;
  write_file(dir / "d/x", pattern_bytes(40'000, 4));
  write_file(dir / "d/y", pattern_bytes(3, 5));
  for (const char* name : {"1.torrent", "2.torrent"}) {
    ASSERT_EQ(swarmlab({"create", (dir / "d").string(), "-o", (dir / name).string(), "--no-date"})
                  .exit_code,
              0);
  }
  EXPECT_EQ(test::read_file(dir / "1.torrent"), test::read_file(dir / "2.torrent"));
}

TEST(CreateCommand, MissingSourceFailsWithOneLineAndWritesNothing) {
  TempDir dir;
  write_file(dir / "keep.torrent", "previous contents");
  const auto result =
      swarmlab({"create", (dir / "absent").string(), "-o", (dir / "keep.torrent").string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find((dir / "absent").string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("no such file"), std::string::npos) << result.err;
  EXPECT_EQ(test::read_file(dir / "keep.torrent"), "previous contents");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"keep.torrent"});
}

TEST(CreateCommand, UnwritableOutputFailsWithOneLine) {
  TempDir dir;
  write_file(dir / "f", "data");
  const std::string output = (dir / "no/such/dir/out.torrent").string();
  const auto result = swarmlab({"create", (dir / "f").string(), "-o", output});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find(output), std::string::npos) << result.err;
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"f"});
}

// The torrent never replaces what it describes, nor lands inside it (a second create would
// share the first's .torrent), nor replaces something that is not a regular file.
TEST(CreateCommand, OutputOverOrInsideTheContentOrOverANonFileIsRefused) {
  TempDir dir;
  write_file(dir / "f", "data");
  write_file(dir / "content/a", "more data");
  const auto over_itself = swarmlab({"create", (dir / "f").string(), "-o", (dir / "f").string()});
  EXPECT_NE(over_itself.exit_code, 0);
  EXPECT_EQ(line_count(over_itself.err), 1u) << over_itself.err;
  EXPECT_NE(over_itself.err.find("is the content being shared"), std::string::npos)
      << over_itself.err;
  EXPECT_EQ(test::read_file(dir / "f"), "data");
  const auto inside =
      swarmlab({"create", (dir / "content").string(), "-o", (dir / "content/x.torrent").string()});
  EXPECT_NE(inside.exit_code, 0);
  EXPECT_NE(inside.err.find("is inside the content being shared"), std::string::npos) << inside.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "content/x.torrent"));
  std::filesystem::create_directory(dir / "folder");
  const auto over_folder =
      swarmlab({"create", (dir / "f").string(), "-o", (dir / "folder").string()});
  EXPECT_NE(over_folder.exit_code, 0);
  EXPECT_NE(over_folder.err.find("not a regular file"), std::string::npos) << over_folder.err;
  EXPECT_TRUE(std::filesystem::is_directory(dir / "folder"));
}

// Through a symbolic link the torrent replaces the file the link names; the link stays.
TEST(CreateCommand, OutputThroughALinkKeepsTheLink) {
  TempDir dir;
  write_file(dir / "f", "data");
  write_file(dir / "target.torrent", "old");
  std::filesystem::create_symlink("target.torrent", dir / "link.torrent");
  const auto result =
      swarmlab({"create", (dir / "f").string(), "-o", (dir / "link.torrent").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "link.torrent"));
  EXPECT_EQ(test::read_file(dir / "target.torrent").substr(0, 1), "d");
}

TEST(CreateCommand, TrackerAndWebSeedMustBeUrlsTheClientsCanUse) {
  TempDir dir;
  write_file(dir / "f", "data");
  const auto tracker = swarmlab({"create", (dir / "f").string(), "-o", (dir / "f.torrent").string(),
                                 "--tracker", "not a url"});
  EXPECT_EQ(tracker.exit_code, 1);
  EXPECT_EQ(line_count(tracker.err), 1u) << tracker.err;
  EXPECT_NE(tracker.err.find("--tracker: 'not a url' is not a URL starting with http://"),
            std::string::npos)
      << tracker.err;
  const auto web_seed = swarmlab({"create", (dir / "f").string(), "-o",
                                  (dir / "f.torrent").string(), "--web-seed", "udp://x:1"});
  EXPECT_EQ(web_seed.exit_code, 1);
  EXPECT_NE(web_seed.err.find("--web-seed"), std::string::npos) << web_seed.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "f.torrent"));
}

TEST(CreateCommand, InvalidPieceLengthIsRefused) {
  TempDir dir;
  write_file(dir / "f", "data");
  const auto result = swarmlab({"create", (dir / "f").string(), "-o", (dir / "f.torrent").string(),
                                "--piece-length", "1000"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("power of two"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "f.torrent"));
}

TEST(CreateCommand, NonNumericPieceLengthIsABadFlag) {
  TempDir dir;
  write_file(dir / "f", "data");
  const auto result = swarmlab({"create", (dir / "f").string(), "-o", (dir / "f.torrent").string(),
                                "--piece-length", "lots"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "f.torrent"));
}

TEST(CreateCommand, HelpDescribesTheFlags) {
  const auto result = swarmlab({"create", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* flag : {"--piece-length", "--tracker", "--private", "--comment", "--no-date"}) {
    EXPECT_NE(result.out.find(flag), std::string::npos) << flag;
  }
}

TEST(InfoCommand, MalformedTorrentFailsWithOneLineNamingFileAndReason) {
  TempDir dir;
  // A valid shape whose single piece hash cannot cover 40000 bytes in 16 KiB pieces.
  const std::string pieces(20, 'h');
  write_file(dir / "bad.torrent",
             "d4:infod6:lengthi40000e4:name1:x12:piece lengthi16384e6:pieces20:" + pieces + "ee");
  const auto result = swarmlab({"info", (dir / "bad.torrent").string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("bad.torrent"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("piece count does not match"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("at byte 62"), std::string::npos) << result.err;
}

TEST(InfoCommand, TruncatedFileNamesTheBencodeProblem) {
  TempDir dir;
  write_file(dir / "cut.torrent", "d4:infod6:lengthi4");
  const auto result = swarmlab({"info", (dir / "cut.torrent").string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("cut.torrent"), std::string::npos);
  EXPECT_NE(result.err.find("input ends inside a value"), std::string::npos) << result.err;
}

TEST(InfoCommand, MissingFile) {
  TempDir dir;
  const auto result = swarmlab({"info", (dir / "none.torrent").string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(line_count(result.err), 1u);
  EXPECT_NE(result.err.find("none.torrent"), std::string::npos);
}

TEST(InfoCommand, DirectoryIsNotATorrent) {
  TempDir dir;
  const auto result = swarmlab({"info", dir.path().string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(line_count(result.err), 1u);
}

// A named pipe nobody writes to reads as empty: an error, not a wait for ever.
TEST(InfoCommand, NamedPipeWithoutWriterIsAnErrorNotAHang) {
  TempDir dir;
  const std::filesystem::path pipe = dir / "pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  const auto result = run_process({"timeout", "20", SWARMLAB_EXECUTABLE, "info", pipe.string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("pipe"), std::string::npos) << result.err;
}

TEST(InfoCommand, JsonKeepsInvalidUtf8Valid) {
  TempDir dir;
  write_file(dir / "d/caf\xe9.txt", "x");  // a Latin-1 name: not UTF-8
  ASSERT_EQ(
      swarmlab({"create", (dir / "d").string(), "-o", (dir / "t.torrent").string()}).exit_code, 0);
  const boost::json::object info = info_json(dir / "t.torrent");
  EXPECT_EQ(info.at("files").as_array()[0].at("path"), "caf\xef\xbf\xbd.txt");
}

// The hash in both forms, computed with Python's hashlib and base64 (sha1(b"swarmlab")).
constexpr const char* hash_hex = "1db5d6190da37841a98662fba35ee0a5d9d85dc4";
constexpr const char* hash_base32 = "DW25MGINUN4EDKMGML52GXXAUXM5QXOE";

TEST(InfoCommand, MagnetTextShowsHashNameAndTrackers) {
  const std::string uri = std::string("magnet:?xt=urn:btih:") + hash_base32 +
                          "&dn=hello%20world&tr=http%3A%2F%2Ft%2Fa&tr=udp://u:1";
  const auto result = swarmlab({"info", uri});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(std::string("info-hash: ") + hash_hex + "\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("name: hello world\n"), std::string::npos);
  EXPECT_NE(result.out.find("tracker (tier 0): http://t/a\n"), std::string::npos);
  EXPECT_NE(result.out.find("tracker (tier 1): udp://u:1\n"), std::string::npos);
  EXPECT_NE(result.out.find("piece count: unknown"), std::string::npos);
}

// A name is bytes: a newline or an escape sequence in it must not reach the terminal as such.
TEST(InfoCommand, ControlBytesInNamesAreShownEscaped) {
  const std::string uri =
      std::string("magnet:?xt=urn:btih:") + hash_base32 + "&dn=a%00b%0Ac%1B%5Bd%5Ce";
  const auto result = swarmlab({"info", uri});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("name: a\\x00b\\x0ac\\x1b[d\\\\e\n"), std::string::npos) << result.out;
}

TEST(InfoCommand, MagnetJson) {
  const auto result =
      swarmlab({"info", "--json", std::string("magnet:?xt=urn:btih:") + hash_hex + "&dn=x"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const boost::json::object info = boost::json::parse(result.out).as_object();
  EXPECT_EQ(info.at("source"), "magnet");
  EXPECT_EQ(info.at("info_hash"), hash_hex);
  EXPECT_EQ(info.at("name"), "x");
  EXPECT_TRUE(info.at("piece_count").is_null());
  EXPECT_TRUE(info.at("files").is_null());
}

TEST(InfoCommand, MalformedMagnetFailsWithOneLine) {
  const auto result = swarmlab({"info", "magnet:?xt=urn:btih:tooshort"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("magnet:?xt=urn:btih:tooshort: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("at byte 11"), std::string::npos) << result.err;
}

TEST(InfoCommand, TorrentMagnetRoundTripSameHash) {
  TempDir dir;
  write_file(dir / "f.bin", pattern_bytes(50'000, 9));
  ASSERT_EQ(
      swarmlab({"create", (dir / "f.bin").string(), "-o", (dir / "f.torrent").string()}).exit_code,
      0);
  const std::string hash = info_hash_of(dir / "f.torrent");
  const boost::json::object info =
      boost::json::parse(
          swarmlab({"info", "--json", "magnet:?xt=urn:btih:" + hash + "&dn=f.bin"}).out)
          .as_object();
  EXPECT_EQ(info.at("info_hash"), hash.c_str());
}

}  // namespace
}  // namespace swarmlab::apps
