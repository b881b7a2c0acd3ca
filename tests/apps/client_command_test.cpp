// `swarmlab download` and `swarmlab seed`, run as the built program: help, clear errors for bad
// input (with nothing written), and a torrent going from one to the other on loopback.
#include "protocol/torrent_creator.hpp"
#include "tests/support/background_process.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace swarmlab::apps {
namespace {

using namespace std::chrono_literals;
using test::run_process;
using test::TempDir;

test::ProcessResult swarmlab(const std::vector<std::string>& arguments) {
  return test::run_program(SWARMLAB_EXECUTABLE, arguments);
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A two-file torrent of content in `dir`/data/pair, at `dir`/pair.torrent.
void make_torrent(const TempDir& dir) {
  test::write_file(dir / "data/pair/a.bin", test::pattern_bytes(150'000, 1));
  test::write_file(dir / "data/pair/b/c.bin", test::pattern_bytes(70'001, 2));
  protocol::CreateOptions options;
  options.piece_length = 32 * 1024;
  options.worker_count = 1;
  const auto created = protocol::create_torrent(dir / "data/pair", options);
  ASSERT_TRUE(created);
  test::write_file(dir / "pair.torrent", created->torrent_file);
}

TEST(ClientCommands, HelpDescribesTheOptions) {
  const auto download = swarmlab({"download", "--help"});
  EXPECT_EQ(download.exit_code, 0);
  for (const char* option : {"--output", "--peer", "--port", "--seed-after", "--seed-ratio"})
    EXPECT_NE(download.out.find(option), std::string::npos) << option;
  const auto seed = swarmlab({"seed", "--help"});
  EXPECT_EQ(seed.exit_code, 0);
  EXPECT_NE(seed.out.find("--port"), std::string::npos);
}

TEST(ClientCommands, MalformedTorrentFileIsOneClearLineAndNothingIsWritten) {
  TempDir dir;
  test::write_file(dir / "bad.torrent", "d4:infoi3ee");
  const auto result =
      swarmlab({"download", (dir / "bad.torrent").string(), "-o", (dir / "out").string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("bad.torrent"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

TEST(ClientCommands, MissingTorrentFileAndBadPeerAreNamed) {
  TempDir dir;
  const auto missing = swarmlab({"download", (dir / "none.torrent").string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("none.torrent"), std::string::npos) << missing.err;
  make_torrent(dir);
  const auto bad_peer = swarmlab({"download", (dir / "pair.torrent").string(), "-o",
                                  (dir / "out").string(), "--peer", "localhost"});
  EXPECT_NE(bad_peer.exit_code, 0);
  EXPECT_EQ(line_count(bad_peer.err), 1u) << bad_peer.err;
  EXPECT_NE(bad_peer.err.find("--peer"), std::string::npos) << bad_peer.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

TEST(ClientCommands, SavePathThatIsAFileIsRefusedBeforeListening) {
  TempDir dir;
  make_torrent(dir);
  test::write_file(dir / "afile", "kept");
  const auto result = swarmlab(
      {"download", (dir / "pair.torrent").string(), "-o", (dir / "afile").string(), "--port", "0"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_NE(result.err.find("afile: not a directory"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("listening"), std::string::npos) << result.out;
  EXPECT_EQ(test::read_file(dir / "afile"), "kept");
}

// Seeding damaged data is allowed (the damage is fetched from peers), but not silently.
TEST(ClientCommands, SeedOfDamagedDataWarns) {
  TempDir dir;
  make_torrent(dir);
  test::write_file(dir / "data/pair/a.bin", test::pattern_bytes(150'000, 7));
  test::BackgroundProcess seeder({SWARMLAB_EXECUTABLE, "seed", (dir / "pair.torrent").string(),
                                  (dir / "data").string(), "--bind", "127.0.0.1", "--port", "0"});
  const auto checked = seeder.wait_for("checked: ", 20s);
  ASSERT_TRUE(checked) << seeder.output() << seeder.errors();
  EXPECT_NE(*checked, "7 of 7 pieces present");
  seeder.stop();
  EXPECT_NE(seeder.errors().find("warning: "), std::string::npos) << seeder.errors();
  EXPECT_NE(seeder.errors().find("pieces are missing or damaged"), std::string::npos)
      << seeder.errors();
}

TEST(ClientCommands, SeedWithoutItsDataAndMagnetWithoutPeersAreRefused) {
  TempDir dir;
  make_torrent(dir);
  const auto seed = swarmlab({"seed", (dir / "pair.torrent").string(), (dir / "empty").string()});
  EXPECT_NE(seed.exit_code, 0);
  EXPECT_NE(seed.err.find("pair"), std::string::npos) << seed.err;
  const auto magnet =
      swarmlab({"download", "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", "-o",
                (dir / "out").string(), "--port", "0"});
  EXPECT_NE(magnet.exit_code, 0);
  EXPECT_NE(magnet.err.find("no peer"), std::string::npos) << magnet.err;
  const auto bad_magnet = swarmlab({"download", "magnet:?xt=urn:btih:xyz"});
  EXPECT_NE(bad_magnet.exit_code, 0);
  EXPECT_EQ(line_count(bad_magnet.err), 1u) << bad_magnet.err;
}

TEST(ClientCommands, SwarmlabSeedsToSwarmlabOnLoopback) {
  TempDir dir;
  make_torrent(dir);
  // `timeout --foreground`: otherwise timeout passes a SIGTERM on twice (to the command and to
  // its process group), and a second signal makes swarmlab stop at once instead of cleanly.
  test::BackgroundProcess seeder({"timeout", "--foreground", "60", SWARMLAB_EXECUTABLE, "seed",
                                  (dir / "pair.torrent").string(), (dir / "data").string(),
                                  "--bind", "127.0.0.1", "--port", "0", "--status-interval", "1"});
  const auto port = seeder.wait_for("listening: port ", 20s);
  ASSERT_TRUE(port) << seeder.errors();
  ASSERT_TRUE(seeder.wait_for("complete:", 20s)) << seeder.output() << seeder.errors();
  const auto download =
      swarmlab({"download", (dir / "pair.torrent").string(), "-o", (dir / "down").string(),
                "--peer", "127.0.0.1:" + *port, "--bind", "127.0.0.1", "--port", "0"});
  ASSERT_EQ(download.exit_code, 0) << download.out << download.err;
  EXPECT_EQ(test::read_file(dir / "down/pair/a.bin"), test::read_file(dir / "data/pair/a.bin"));
  EXPECT_EQ(test::read_file(dir / "down/pair/b/c.bin"), test::read_file(dir / "data/pair/b/c.bin"));
  // Running again finds everything there and downloads nothing.
  const auto again = swarmlab({"download", (dir / "pair.torrent").string(), "-o",
                               (dir / "down").string(), "--bind", "127.0.0.1", "--port", "0"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("checked: 7 of 7 pieces present"), std::string::npos) << again.out;
  const int status = seeder.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n"
                                                             << seeder.output() << seeder.errors();
}

// A one-file torrent of content in `dir`/data/solo.bin announcing to `tracker_url`, at
// `dir`/solo.torrent.
std::optional<protocol::CreatedTorrent> make_solo_torrent(const TempDir& dir,
                                                          const std::string& tracker_url) {
  test::write_file(dir / "data/solo.bin", test::pattern_bytes(200'000, 9));
  protocol::CreateOptions options;
  options.piece_length = 32 * 1024;
  options.worker_count = 1;
  options.trackers = {tracker_url};
  auto created = protocol::create_torrent(dir / "data/solo.bin", options);
  if (!created) return std::nullopt;
  test::write_file(dir / "solo.torrent", created->torrent_file);
  return std::move(*created);
}

// Port 9 (discard) on loopback: nothing listens, connections are refused.
const std::string dead_tracker_url = "http://127.0.0.1:9/announce";

bool ipv6_loopback_works() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

// Without --bind a peer listens on every interface of both families, as `seed --help` says.
TEST(ClientCommands, SeedWithoutBindAcceptsIpv6Peers) {
  if (!ipv6_loopback_works()) GTEST_SKIP() << "no IPv6 loopback here";
  TempDir dir;
  make_torrent(dir);
  test::BackgroundProcess seeder({"timeout", "--foreground", "60", SWARMLAB_EXECUTABLE, "seed",
                                  (dir / "pair.torrent").string(), (dir / "data").string(),
                                  "--port", "0", "--status-interval", "1"});
  const auto port = seeder.wait_for("listening: port ", 20s);
  ASSERT_TRUE(port) << seeder.errors();
  ASSERT_TRUE(seeder.wait_for("complete:", 20s)) << seeder.output() << seeder.errors();
  // Bounded: a seed that does not listen on IPv6 refuses the download, which retries for ever.
  const auto download = run_process({"timeout", "60", SWARMLAB_EXECUTABLE, "download",
                                     (dir / "pair.torrent").string(), "-o", (dir / "down").string(),
                                     "--peer", "[::1]:" + *port, "--bind", "::1", "--port", "0"});
  ASSERT_EQ(download.exit_code, 0) << download.out << download.err;
  EXPECT_EQ(test::read_file(dir / "down/pair/a.bin"), test::read_file(dir / "data/pair/a.bin"));
  seeder.stop();
}

// A download stopped by a signal before it is complete did not do its job: not exit code 0.
TEST(ClientCommands, InterruptedDownloadExitsWithTheSignal) {
  TempDir dir;
  make_torrent(dir);
  // Port 9 (discard) on loopback: nobody answers, so the download waits for peers.
  test::BackgroundProcess download({SWARMLAB_EXECUTABLE, "download",
                                    (dir / "pair.torrent").string(), "-o", (dir / "down").string(),
                                    "--peer", "127.0.0.1:9", "--bind", "127.0.0.1", "--port", "0"});
  ASSERT_TRUE(download.wait_for("checked:", 20s)) << download.output() << download.errors();
  const int status = download.stop();
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << download.errors();
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << download.output() << download.errors();
  EXPECT_NE(download.output().find("stopped:"), std::string::npos) << download.output();
}

// Two stop signals a tenth of a millisecond apart (as `timeout` forwards them): a complete seed
// still exits 0, neither killed by the second signal nor failing a flush it cut short.
TEST(ClientCommands, TwoQuickStopSignalsStillEndACompleteSeedCleanly) {
  TempDir dir;
  make_torrent(dir);
  for (int round = 0; round < 3; ++round) {
    test::BackgroundProcess seeder({SWARMLAB_EXECUTABLE, "seed", (dir / "pair.torrent").string(),
                                    (dir / "data").string(), "--bind", "127.0.0.1", "--port", "0"});
    ASSERT_TRUE(seeder.wait_for("complete:", 20s)) << seeder.output() << seeder.errors();
    std::this_thread::sleep_for(100ms);
    ::kill(seeder.pid(), SIGINT);
    std::this_thread::sleep_for(100us);
    ::kill(seeder.pid(), SIGINT);
    for (int poll = 0; poll < 500 && !seeder.exited(); ++poll)
      std::this_thread::sleep_for(20ms);
    const int status = seeder.stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "round " << round << ": status " << status << "\n"
        << seeder.output() << seeder.errors();
  }
}

// A tracker that cannot be reached is named with the reason, rather than "peers 0" for ever.
TEST(ClientCommands, DownloadSaysWhyItsTrackerFails) {
  TempDir dir;
  ASSERT_TRUE(make_solo_torrent(dir, dead_tracker_url));
  test::BackgroundProcess download(
      {SWARMLAB_EXECUTABLE, "download", (dir / "solo.torrent").string(), "-o",
       (dir / "down").string(), "--bind", "127.0.0.1", "--port", "0", "--status-interval", "1"});
  const auto reason = download.wait_for("tracker " + dead_tracker_url + ": ", 20s);
  EXPECT_TRUE(reason && !reason->empty()) << download.output() << download.errors();
  download.stop();
}

// What is in the way of the download: a directory where a file belongs fails the download with
// the system's reason (it used to retry for ever); a longer file is cut to the torrent's size.
TEST(ClientCommands, DownloadFailsOnAStorageErrorAndTrimsALongerFile) {
  TempDir dir;
  make_torrent(dir);
  test::BackgroundProcess seeder({"timeout", "--foreground", "60", SWARMLAB_EXECUTABLE, "seed",
                                  (dir / "pair.torrent").string(), (dir / "data").string(),
                                  "--bind", "127.0.0.1", "--port", "0"});
  const auto port = seeder.wait_for("listening: port ", 20s);
  ASSERT_TRUE(port) << seeder.errors();
  ASSERT_TRUE(seeder.wait_for("complete:", 20s)) << seeder.output() << seeder.errors();

  std::filesystem::create_directories(dir / "blocked/pair/a.bin/inside");
  const auto blocked =
      run_process({"timeout", "--foreground", "40", SWARMLAB_EXECUTABLE, "download",
                   (dir / "pair.torrent").string(), "-o", (dir / "blocked").string(), "--peer",
                   "127.0.0.1:" + *port, "--bind", "127.0.0.1", "--port", "0"});
  EXPECT_EQ(blocked.exit_code, 1) << blocked.out << blocked.err;
  EXPECT_NE(blocked.err.find("storage failure: Is a directory"), std::string::npos) << blocked.err;
  EXPECT_TRUE(std::filesystem::is_directory(dir / "blocked/pair/a.bin/inside"));

  std::string longer = test::read_file(dir / "data/pair/b/c.bin");
  longer += std::string(5000, 'x');
  test::write_file(dir / "long/pair/b/c.bin", longer);
  const auto trimmed =
      run_process({"timeout", "--foreground", "40", SWARMLAB_EXECUTABLE, "download",
                   (dir / "pair.torrent").string(), "-o", (dir / "long").string(), "--peer",
                   "127.0.0.1:" + *port, "--bind", "127.0.0.1", "--port", "0"});
  ASSERT_EQ(trimmed.exit_code, 0) << trimmed.out << trimmed.err;
  EXPECT_EQ(test::read_file(dir / "long/pair/a.bin"), test::read_file(dir / "data/pair/a.bin"));
  EXPECT_EQ(test::read_file(dir / "long/pair/b/c.bin"), test::read_file(dir / "data/pair/b/c.bin"));
  seeder.stop();
}

// Seed and download find each other only through `swarmlab tracker`.
// The tracker's counts for one torrent, from its scrape: complete, incomplete, downloaded.
const std::string scrape_script =
    "import re, sys, urllib.parse, urllib.request\n"
    "url = 'http://127.0.0.1:%s/scrape?info_hash=%s' % (\n"
    "    sys.argv[1], urllib.parse.quote(bytes.fromhex(sys.argv[2])))\n"
    "body = urllib.request.urlopen(url, timeout=10).read()\n"
    "print(*(re.search(rb'\\d:' + key + rb'i(\\d+)e', body).group(1).decode()\n"
    "        for key in (b'complete', b'incomplete', b'downloaded')))\n";

std::optional<std::array<int, 3>> scrape_counts(const std::string& http_port,
                                                const std::string& info_hash_hex) {
  const auto result =
      run_process({"/usr/bin/python3", "-c", scrape_script, http_port, info_hash_hex});
  std::array<int, 3> counts{};
  if (result.exit_code != 0 ||
      std::sscanf(result.out.c_str(), "%d %d %d", &counts[0], &counts[1], &counts[2]) != 3)
    return std::nullopt;
  return counts;
}

TEST(ClientCommands, SeedAndDownloadMeetThroughTheTracker) {
  TempDir dir;
  test::BackgroundProcess tracker({"timeout", "--foreground", "60", SWARMLAB_EXECUTABLE, "tracker",
                                   "--bind", "127.0.0.1", "--http-port", "0", "--no-udp",
                                   "--interval", "2", "--min-interval", "1",
                                   // Clients announce every 10 s at most (their floor).
                                   "--peer-timeout", "60"});
  const auto http_port = tracker.wait_for("http-port: ", 20s);
  ASSERT_TRUE(http_port) << tracker.errors();
  const auto created = make_solo_torrent(dir, "http://127.0.0.1:" + *http_port + "/announce");
  ASSERT_TRUE(created);
  test::BackgroundProcess seeder({"timeout", "--foreground", "60", SWARMLAB_EXECUTABLE, "seed",
                                  (dir / "solo.torrent").string(), (dir / "data").string(),
                                  "--bind", "127.0.0.1", "--port", "0"});
  ASSERT_TRUE(seeder.wait_for("complete:", 20s)) << seeder.output() << seeder.errors();
  const std::string hash_hex = protocol::to_hex(created->metainfo.info_hash);
  // The seed's first announce comes after its check of the data: it is a seed (left = 0), not a
  // leecher with everything left.
  std::optional<std::array<int, 3>> counts;
  for (int poll = 0; poll < 100 && (!counts || (*counts)[0] + (*counts)[1] == 0); ++poll) {
    if (poll > 0) std::this_thread::sleep_for(20ms);
    counts = scrape_counts(*http_port, hash_hex);
  }
  ASSERT_TRUE(counts) << "no scrape";
  EXPECT_EQ(*counts, (std::array<int, 3>{1, 0, 0}));
  const auto download =
      run_process({"timeout", "--foreground", "40", SWARMLAB_EXECUTABLE, "download",
                   (dir / "solo.torrent").string(), "-o", (dir / "down").string(), "--bind",
                   "127.0.0.1", "--port", "0"});
  ASSERT_EQ(download.exit_code, 0) << download.out << download.err << seeder.output();
  // A download that ends as it completes still announces `completed` (then `stopped`).
  counts = scrape_counts(*http_port, hash_hex);
  ASSERT_TRUE(counts) << "no scrape";
  EXPECT_EQ((*counts)[2], 1) << "downloaded";
  EXPECT_NE(download.out.find("trackers: 1"), std::string::npos) << download.out;
  EXPECT_EQ(test::read_file(dir / "down/solo.bin"), test::read_file(dir / "data/solo.bin"));
  // A magnet link that names only the tracker: its peers come from the tracker, then the
  // metadata and the data from them.
  const std::string magnet =
      "magnet:?xt=urn:btih:" + protocol::to_hex(created->metainfo.info_hash) +
      "&tr=http%3A%2F%2F127.0.0.1%3A" + *http_port + "%2Fannounce";
  const auto by_magnet =
      run_process({"timeout", "--foreground", "40", SWARMLAB_EXECUTABLE, "download", magnet, "-o",
                   (dir / "magnet").string(), "--bind", "127.0.0.1", "--port", "0"});
  ASSERT_EQ(by_magnet.exit_code, 0) << by_magnet.out << by_magnet.err << seeder.output();
  EXPECT_NE(by_magnet.out.find("asking tracker"), std::string::npos) << by_magnet.out;
  EXPECT_EQ(test::read_file(dir / "magnet/solo.bin"), test::read_file(dir / "data/solo.bin"));
  // A stale peer in the link (x.pe, nobody listening there): its trackers are asked after all.
  const auto stale = run_process({"timeout", "--foreground", "60", SWARMLAB_EXECUTABLE, "download",
                                  magnet + "&x.pe=127.0.0.1:9", "-o", (dir / "stale").string(),
                                  "--bind", "127.0.0.1", "--port", "0"});
  ASSERT_EQ(stale.exit_code, 0) << stale.out << stale.err << seeder.output();
  EXPECT_EQ(test::read_file(dir / "stale/solo.bin"), test::read_file(dir / "data/solo.bin"));
  const int status = seeder.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
}

}  // namespace
}  // namespace swarmlab::apps
