// `swarmlab download` and `swarmlab seed` against real clients on loopback: a multi-file torrent
// goes from a python3-libtorrent seeder to swarmlab and from a swarmlab seeder to libtorrent, byte
// for byte; swarmlab fetches the metadata of a magnet link (x.pe pointing at libtorrent) and then
// the data; swarmlab downloads from an aria2c seeder; SIGINT stops a download cleanly and running
// again resumes. A test whose client is missing is skipped. Every wait is bounded and every
// process is stopped when the test ends.
#include "protocol/magnet.hpp"
#include "protocol/torrent_creator.hpp"
#include "tests/support/background_process.hpp"
#include "tests/support/namespace_pair.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/transmission_cli.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace swarmlab::peer_interop {
namespace {

using namespace std::chrono_literals;
using test::BackgroundProcess;
using test::program_exists;
using test::run_process;
using test::TempDir;

constexpr const char* python = "/usr/bin/python3";
constexpr const char* peer_script = SWARMLAB_SOURCE_DIR "/tests/interop/libtorrent_peer.py";
constexpr const char* loopback = "127.0.0.1";
constexpr auto seeder_start_timeout = 60s;
// A hard stop for every client, in case one hangs.
constexpr const char* client_time_limit_seconds = "120";

struct SourceFile {
  const char* path;
  std::size_t size_bytes;
};
// Pieces that span files, a file smaller than a block, an empty file, a nested folder.
constexpr SourceFile source_files[] = {
    {"album/a.bin", 300'001}, {"album/sub/b.bin", 1'000'000}, {"album/empty.txt", 0},
    {"album/c.bin", 7'000},   {"album/z/d.bin", 131'072},
};

bool have_libtorrent() {
  static const bool available = run_process({python, "-c", "import libtorrent"}).exit_code == 0;
  return available;
}

// Content in `dir`/seed/album and its torrent at `dir`/album.torrent.
protocol::Metainfo make_torrent(const TempDir& dir) {
  for (const SourceFile& file : source_files) {
    test::write_file(dir / "seed" / file.path,
                     test::pattern_bytes(file.size_bytes, file.size_bytes + 7));
  }
  protocol::CreateOptions options;
  options.piece_length = 64 * 1024;
  options.worker_count = 1;
  auto created = protocol::create_torrent(dir / "seed" / "album", options);
  EXPECT_TRUE(created) << created.error().describe();
  test::write_file(dir / "album.torrent", created->torrent_file);
  return created->metainfo;
}

void expect_same_content(const std::filesystem::path& original, const std::filesystem::path& copy) {
  for (const SourceFile& file : source_files) {
    ASSERT_TRUE(std::filesystem::exists(copy / file.path)) << file.path;
    EXPECT_EQ(test::read_file(copy / file.path), test::read_file(original / file.path))
        << file.path;
  }
}

// A libtorrent seeder of the torrent; port() is where it listens, once it seeds.
class LibtorrentSeeder {
 public:
  LibtorrentSeeder(const std::filesystem::path& torrent, const std::filesystem::path& save_path)
      : process_({"timeout", client_time_limit_seconds, python, peer_script, "seed",
                  torrent.string(), save_path.string(), loopback}) {
    port_ = process_.wait_for("port: ", seeder_start_timeout);
    if (port_ && !process_.wait_for("seeding", seeder_start_timeout)) port_.reset();
  }
  std::optional<std::string> port() const { return port_; }
  std::string log() { return process_.output() + process_.errors(); }

 private:
  BackgroundProcess process_;
  std::optional<std::string> port_;
};

std::vector<std::string> swarmlab_download(const std::string& source,
                                           const std::filesystem::path& save_path,
                                           const std::string& peer) {
  // `timeout --foreground`: otherwise timeout passes a SIGTERM on twice (to the command and to
  // its process group), and a second signal makes swarmlab stop at once instead of cleanly.
  return {"timeout",
          "--foreground",
          client_time_limit_seconds,
          SWARMLAB_EXECUTABLE,
          "download",
          source,
          "-o",
          save_path.string(),
          "--peer",
          peer,
          "--bind",
          loopback,
          "--port",
          "0",
          "--status-interval",
          "1"};
}

TEST(PeerInterop, SwarmlabDownloadsFromLibtorrentSeeder) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  const TempDir dir;
  make_torrent(dir);
  LibtorrentSeeder seeder(dir / "album.torrent", dir / "seed");
  ASSERT_TRUE(seeder.port()) << seeder.log();
  const auto result = run_process(swarmlab_download((dir / "album.torrent").string(), dir / "down",
                                                    std::string(loopback) + ":" + *seeder.port()));
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err << seeder.log();
  EXPECT_NE(result.out.find("complete: every piece verified"), std::string::npos) << result.out;
  expect_same_content(dir / "seed", dir / "down");
}

TEST(PeerInterop, LibtorrentDownloadsFromSwarmlabSeeder) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  const TempDir dir;
  make_torrent(dir);
  BackgroundProcess seeder({"timeout", "--foreground", client_time_limit_seconds,
                            SWARMLAB_EXECUTABLE, "seed", (dir / "album.torrent").string(),
                            (dir / "seed").string(), "--bind", loopback, "--port", "0",
                            "--status-interval", "1"});
  const auto port = seeder.wait_for("listening: port ", seeder_start_timeout);
  ASSERT_TRUE(port) << seeder.output() << seeder.errors();
  ASSERT_TRUE(seeder.wait_for("complete:", seeder_start_timeout))
      << seeder.output() << seeder.errors();
  const auto result =
      run_process({"timeout", client_time_limit_seconds, python, peer_script, "download",
                   (dir / "album.torrent").string(), (dir / "down").string(), loopback,
                   std::string(loopback) + ":" + *port});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err << seeder.output() << seeder.errors();
  expect_same_content(dir / "seed", dir / "down");
  // SIGTERM stops the seeder cleanly.
  const int status = seeder.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_NE(seeder.output().find("stopped:"), std::string::npos) << seeder.output();
}

TEST(PeerInterop, SwarmlabFetchesMetadataAndDataFromMagnetLink) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  const TempDir dir;
  const protocol::Metainfo metainfo = make_torrent(dir);
  LibtorrentSeeder seeder(dir / "album.torrent", dir / "seed");
  ASSERT_TRUE(seeder.port()) << seeder.log();
  protocol::MagnetLink link;
  link.info_hash = metainfo.info_hash;
  link.display_name = metainfo.name;
  link.peers.push_back(*protocol::PeerAddress::parse(std::string(loopback) + ":" + *seeder.port()));
  auto command = swarmlab_download(protocol::to_magnet_uri(link), dir / "down", "");
  // No --peer: the link's x.pe is the only way to the seeder.
  const auto peer_flag = std::find(command.begin(), command.end(), "--peer");
  ASSERT_NE(peer_flag, command.end());
  command.erase(peer_flag, peer_flag + 2);
  const auto result = run_process(command);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err << seeder.log();
  EXPECT_NE(result.out.find("metadata: album"), std::string::npos) << result.out;
  expect_same_content(dir / "seed", dir / "down");
}

// A free TCP port on loopback for a client that cannot pick its own and say which.
std::uint16_t free_port() {
  const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(socket_fd);
  return ntohs(address.sin_port);
}

TEST(PeerInterop, SwarmlabDownloadsFromAria2cSeeder) {
  if (!program_exists("aria2c")) GTEST_SKIP() << "aria2c is not installed";
  const TempDir dir;
  make_torrent(dir);
  const std::string port = std::to_string(free_port());
  BackgroundProcess seeder(
      {"timeout", client_time_limit_seconds, "aria2c", "--check-integrity=true", "--seed-ratio=0.0",
       "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
       "--enable-peer-exchange=false", "--listen-port=" + port, "--dir=" + (dir / "seed").string(),
       "--summary-interval=1", "--console-log-level=notice", (dir / "album.torrent").string()});
  ASSERT_TRUE(seeder.started());
  // aria2c says nothing machine-readable when it starts seeding; retry connecting until it does.
  const auto result = run_process(swarmlab_download((dir / "album.torrent").string(), dir / "down",
                                                    std::string(loopback) + ":" + port));
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err << seeder.output() << seeder.errors();
  expect_same_content(dir / "seed", dir / "down");
}

// SIGINT in the middle of a download stops it with exit status 0; running again re-verifies what
// is there and downloads only the rest.
TEST(PeerInterop, InterruptedDownloadResumes) {
  if (!have_libtorrent()) GTEST_SKIP() << "python3-libtorrent is not installed";
  const TempDir dir;
  make_torrent(dir);
  LibtorrentSeeder seeder(dir / "album.torrent", dir / "seed");
  ASSERT_TRUE(seeder.port()) << seeder.log();
  const std::string peer = std::string(loopback) + ":" + *seeder.port();
  {
    auto command = swarmlab_download((dir / "album.torrent").string(), dir / "down", peer);
    command.insert(command.end(), {"--download-limit", "256"});
    BackgroundProcess first(command);
    // Some pieces arrive at 256 KiB/s within a few status lines.
    for (int line = 0; line < 3; ++line)
      ASSERT_TRUE(first.wait_for("downloading", 30s)) << first.output() << first.errors();
    ::kill(first.pid(), SIGINT);
    for (int waited = 0; waited < 500 && !first.exited(); ++waited)
      std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(first.exited()) << first.output();
    // Stopped cleanly, but not done: the shell's code for SIGINT, not success.
    EXPECT_TRUE(WIFEXITED(first.status()) && WEXITSTATUS(first.status()) == 128 + SIGINT)
        << "status " << first.status() << "\n"
        << first.output();
    EXPECT_NE(first.output().find("stopped:"), std::string::npos) << first.output();
  }
  const auto second =
      run_process(swarmlab_download((dir / "album.torrent").string(), dir / "down", peer));
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(second.out.find("checked: 0 of"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("checked: "), std::string::npos) << second.out;
  expect_same_content(dir / "seed", dir / "down");
}

void write_transmission_settings(const std::filesystem::path& config_dir,
                                 const std::string& bind_address) {
  // No uTP (Transmission waits a minute for it before TCP), no DHT, LPD, PEX or port mapping.
  test::write_file(config_dir / "settings.json",
                   "{\n  \"dht-enabled\": false,\n  \"utp-enabled\": false,\n"
                   "  \"lpd-enabled\": false,\n  \"pex-enabled\": false,\n"
                   "  \"port-forwarding-enabled\": false,\n  \"rpc-enabled\": false,\n"
                   "  \"bind-address-ipv4\": \"" +
                       bind_address + "\"\n}\n");
}

// transmission-cli seeds in one namespace (it verifies the data first), swarmlab downloads from
// it in the other.
TEST(PeerInterop, SwarmlabDownloadsFromTransmissionInNamespaces) {
  if (!program_exists("transmission-cli")) GTEST_SKIP() << "transmission-cli is not installed";
  if (!program_exists("ip")) GTEST_SKIP() << "iproute2 is not installed";
  if (::geteuid() != 0) GTEST_SKIP() << "network namespaces need root";
  const swarmlab::test::NamespacePair namespaces("peer", 214);
  if (!namespaces.problem().empty()) {
    GTEST_SKIP() << "cannot make network namespaces here: " << namespaces.problem();
  }
  const TempDir dir;
  make_torrent(dir);
  write_transmission_settings(dir / "transmission-config", namespaces.address(1));
  const std::string transmission_port = "51413";
  std::vector<std::string> command = namespaces.exec_in(1);
  command.insert(command.end(),
                 {"timeout", client_time_limit_seconds, "transmission-cli", "-g",
                  (dir / "transmission-config").string(), "-w", (dir / "seed").string(), "-p",
                  transmission_port, "-v", (dir / "album.torrent").string()});
  test::TransmissionCli seeder(command);
  ASSERT_TRUE(seeder.started());
  // It seeds once it has verified the data; until then it has nothing to offer.
  ASSERT_TRUE(seeder.wait_for_output("Seeding", seeder_start_timeout)) << seeder.log();
  // Wait until it accepts connections (bounded); swarmlab also retries on its own.
  const std::string peer = namespaces.address(1) + ":" + transmission_port;
  for (int attempt = 0; attempt < 100 && seeder.running(); ++attempt) {
    std::vector<std::string> probe = namespaces.exec_in(0);
    probe.insert(
        probe.end(),
        {"bash", "-c", "echo > /dev/tcp/" + namespaces.address(1) + "/" + transmission_port});
    if (run_process(probe).exit_code == 0) break;
    std::this_thread::sleep_for(200ms);
  }
  std::vector<std::string> download = namespaces.exec_in(0);
  const auto swarmlab = swarmlab_download((dir / "album.torrent").string(), dir / "down", peer);
  download.insert(download.end(), swarmlab.begin(), swarmlab.end());
  // Bind to the namespace's own address rather than loopback.
  std::replace(download.begin(), download.end(), std::string(loopback), namespaces.address(0));
  const auto result = run_process(download);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err << seeder.log();
  expect_same_content(dir / "seed", dir / "down");
}

}  // namespace
}  // namespace swarmlab::peer_interop
