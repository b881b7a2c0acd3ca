// `swarmlab tracker` against real clients: libtorrent peers find each other through it over HTTP
// and over UDP and complete a download; aria2c downloads from a libtorrent seeder through it; and
// transmission-cli does the same inside network namespaces (Transmission ignores peers on
// 127.0.0.0/8, so the test gives it a veth pair of its own). Every wait is bounded, and processes
// and namespaces are removed even when a check fails.
#include "tests/support/background_process.hpp"
#include "tests/support/namespace_pair.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/transmission_cli.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

namespace swarmlab::tracker {
namespace {

using namespace std::chrono_literals;
using test::BackgroundProcess;
using test::program_exists;
using test::run_process;
using test::TempDir;

constexpr const char* python = "/usr/bin/python3";
constexpr const char* swarm_script = SWARMLAB_SOURCE_DIR "/tests/interop/libtorrent_swarm.py";
constexpr auto tracker_start_timeout = 20s;
constexpr auto seeder_start_timeout = 60s;
constexpr auto download_timeout = 120s;
// What the clients run under: a hard stop in case one hangs.
constexpr const char* client_time_limit_seconds = "150";

bool have_libtorrent() {
  static const bool available = run_process({python, "-c", "import libtorrent"}).exit_code == 0;
  return available;
}

// `swarmlab tracker` on free ports, started through `prefix` (e.g. "ip netns exec NAME").
class TrackerProcess {
 public:
  TrackerProcess(std::vector<std::string> prefix, const std::string& bind)
      : process_([&] {
          prefix.insert(prefix.end(), {SWARMLAB_EXECUTABLE, "tracker", "--bind", bind,
                                       "--http-port", "0", "--udp-port", "0", "--interval", "10"});
          return prefix;
        }()) {
    http_port_ = process_.wait_for("http-port: ", tracker_start_timeout);
    udp_port_ = process_.wait_for("udp-port: ", tracker_start_timeout);
  }

  bool ready() const { return http_port_ && udp_port_; }
  std::string http_url(const std::string& host) const {
    return "http://" + host + ":" + http_port_.value_or("0") + "/announce";
  }
  std::string udp_url(const std::string& host) const {
    return "udp://" + host + ":" + udp_port_.value_or("0") + "/announce";
  }
  std::string log() { return process_.output() + process_.errors(); }

  // SIGTERM must stop it cleanly: exit status 0 after "stopped".
  void expect_clean_stop() {
    const int status = process_.stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n"
                                                               << log();
    EXPECT_NE(process_.output().find("stopped"), std::string::npos) << log();
  }

 private:
  BackgroundProcess process_;
  std::optional<std::string> http_port_;
  std::optional<std::string> udp_port_;
};

void expect_swarm_completes(const std::string& tracker_url) {
  const TempDir work;
  const auto result = run_process({"timeout", client_time_limit_seconds, python, swarm_script,
                                   "swarm", tracker_url, work.path().string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("complete"), std::string::npos) << result.out << result.err;
}

TEST(TrackerInterop, LibtorrentPeersFindEachOtherOverHttp) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed (scripts/setup)";
  TrackerProcess tracker({}, "127.0.0.1");
  ASSERT_TRUE(tracker.ready()) << tracker.log();
  expect_swarm_completes(tracker.http_url("127.0.0.1"));
  tracker.expect_clean_stop();
}

TEST(TrackerInterop, LibtorrentPeersFindEachOtherOverUdp) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed (scripts/setup)";
  TrackerProcess tracker({}, "127.0.0.1");
  ASSERT_TRUE(tracker.ready()) << tracker.log();
  expect_swarm_completes(tracker.udp_url("127.0.0.1"));
  tracker.expect_clean_stop();
}

TEST(TrackerInterop, LibtorrentPeersFindEachOtherOverIpv6) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed (scripts/setup)";
  TrackerProcess tracker({}, "::1");
  ASSERT_TRUE(tracker.ready()) << tracker.log();
  const TempDir work;
  const auto result =
      run_process({"timeout", client_time_limit_seconds, python, swarm_script, "swarm",
                   tracker.udp_url("[::1]"), work.path().string(), "[::1]"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  tracker.expect_clean_stop();
}

// A libtorrent seeder started in the background; its torrent is WORKDIR/content.torrent.
class Seeder {
 public:
  Seeder(std::vector<std::string> prefix, const std::string& tracker_url,
         const std::filesystem::path& workdir, const std::string& bind)
      : process_([&] {
          prefix.insert(prefix.end(),
                        {python, swarm_script, "seed", tracker_url, workdir.string(), bind});
          return prefix;
        }()) {
    ready_ = process_.wait_for("seeding", seeder_start_timeout).has_value();
  }
  bool ready() const { return ready_; }
  std::string log() { return process_.output() + process_.errors(); }

 private:
  BackgroundProcess process_;
  bool ready_ = false;
};

bool same_content(const std::filesystem::path& a, const std::filesystem::path& b) {
  return std::filesystem::exists(a) && std::filesystem::exists(b) &&
         test::read_file(a) == test::read_file(b);
}

TEST(TrackerInterop, Aria2DownloadsFromALibtorrentSeederOverHttp) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed (scripts/setup)";
  if (!program_exists("aria2c")) GTEST_SKIP() << "aria2c is not installed (scripts/setup)";
  TrackerProcess tracker({}, "127.0.0.1");
  ASSERT_TRUE(tracker.ready()) << tracker.log();
  const TempDir work;
  Seeder seeder({}, tracker.http_url("127.0.0.1"), work.path(), "127.0.0.1");
  ASSERT_TRUE(seeder.ready()) << seeder.log();
  const auto result = run_process(
      {"timeout", client_time_limit_seconds, "aria2c", "--dir=" + (work / "aria2").string(),
       "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
       "--enable-peer-exchange=false", "--seed-time=0", "--listen-port=6990-6999",
       "--bt-stop-timeout=100", "--summary-interval=0", "--console-log-level=warn",
       (work / "content.torrent").string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err << seeder.log();
  EXPECT_TRUE(same_content(work / "seed/content.bin", work / "aria2/content.bin"));
  tracker.expect_clean_stop();
}

void write_transmission_settings(const std::filesystem::path& config_dir,
                                 const std::filesystem::path& download_dir,
                                 const std::string& bind_address) {
  test::write_file(config_dir / "settings.json",
                   "{\n"
                   "  \"dht-enabled\": false,\n"
                   // Transmission tries uTP first and waits about a minute before it falls back
                   // to TCP when the peer does not answer uTP; the tracker is what is tested here.
                   "  \"utp-enabled\": false,\n"
                   "  \"lpd-enabled\": false,\n"
                   "  \"pex-enabled\": false,\n"
                   "  \"port-forwarding-enabled\": false,\n"
                   "  \"rpc-enabled\": false,\n"
                   "  \"incomplete-dir-enabled\": false,\n"
                   "  \"rename-partial-files\": false,\n"
                   "  \"bind-address-ipv4\": \"" +
                       bind_address +
                       "\",\n"
                       "  \"download-dir\": \"" +
                       download_dir.string() +
                       "\"\n"
                       "}\n");
}

void transmission_downloads_through(bool over_udp) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed (scripts/setup)";
  if (!program_exists("transmission-cli")) {
    GTEST_SKIP() << "transmission-cli is not installed (scripts/setup)";
  }
  if (!program_exists("ip")) GTEST_SKIP() << "iproute2 is not installed (scripts/setup)";
  const swarmlab::test::NamespacePair namespaces("tracker", 213);
  if (!namespaces.problem().empty()) {
    GTEST_SKIP() << "cannot make network namespaces here: " << namespaces.problem();
  }
  // The tracker and a libtorrent seeder in one namespace, transmission-cli in the other.
  TrackerProcess tracker(namespaces.exec_in(0), namespaces.address(0));
  ASSERT_TRUE(tracker.ready()) << tracker.log();
  const std::string url =
      over_udp ? tracker.udp_url(namespaces.address(0)) : tracker.http_url(namespaces.address(0));
  const TempDir work;
  Seeder seeder(namespaces.exec_in(0), url, work.path(), namespaces.address(0));
  ASSERT_TRUE(seeder.ready()) << seeder.log();
  const std::filesystem::path downloads = work / "transmission";
  std::filesystem::create_directories(downloads);
  write_transmission_settings(work / "transmission-config", downloads, namespaces.address(1));
  const std::filesystem::path finished = work / "finished";
  test::write_file(work / "finish.sh", "#!/bin/sh\ntouch '" + finished.string() + "'\n");
  std::filesystem::permissions(work / "finish.sh", std::filesystem::perms::owner_all);
  std::vector<std::string> command = namespaces.exec_in(1);
  command.insert(command.end(),
                 {"timeout", client_time_limit_seconds, "transmission-cli", "-g",
                  (work / "transmission-config").string(), "-w", downloads.string(), "-p", "51413",
                  "-M", "-f", (work / "finish.sh").string(), (work / "content.torrent").string()});
  test::TransmissionCli transmission(command);
  ASSERT_TRUE(transmission.started());
  const auto deadline = std::chrono::steady_clock::now() + download_timeout;
  while (!std::filesystem::exists(finished) && std::chrono::steady_clock::now() < deadline &&
         transmission.running()) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(std::filesystem::exists(finished))
      << transmission.log() << seeder.log() << tracker.log();
  EXPECT_TRUE(same_content(work / "seed/content.bin", downloads / "content.bin"));
  transmission.stop();
  tracker.expect_clean_stop();
}

TEST(TrackerInterop, TransmissionDownloadsInNamespacesOverHttp) {
  transmission_downloads_through(false);
}

TEST(TrackerInterop, TransmissionDownloadsInNamespacesOverUdp) {
  transmission_downloads_through(true);
}

}  // namespace
}  // namespace swarmlab::tracker
