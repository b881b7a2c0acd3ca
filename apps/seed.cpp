// `swarmlab seed TORRENT DATA_DIR`: verifies DATA_DIR/<name> against the torrent, then serves it
// on real sockets until SIGINT or SIGTERM. Missing or damaged pieces are reported and fetched from
// peers when any are given.
#include "apps/client_run.hpp"
#include "apps/commands.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <filesystem>
#include <memory>

namespace swarmlab::apps {
namespace {

constexpr const char* command_name = "swarmlab seed";

struct SeedArguments {
  std::string input;
  std::string data_dir;
  std::vector<std::string> peers;
  std::uint16_t port = 6881;
  std::string bind;
  std::int64_t upload_limit_kib = 0;
  std::int32_t connections_max = 50;
  double status_interval_seconds = 5;
};

int run_seed(const SeedArguments& arguments) {
  auto input = load_torrent_input(command_name, arguments.input);
  if (!input) return 1;
  const auto* metainfo = std::get_if<protocol::Metainfo>(&*input);
  if (metainfo == nullptr) {
    fmt::print(stderr, "{}: {}: seeding needs a .torrent file, not a magnet link\n", command_name,
               arguments.input);
    return 1;
  }
  const std::filesystem::path content = std::filesystem::path(arguments.data_dir) / metainfo->name;
  std::error_code error;
  if (!std::filesystem::exists(content, error)) {
    fmt::print(stderr,
               "{}: {}: no such file or directory (DATA_DIR must hold the torrent's '{}')\n",
               command_name, content.string(), metainfo->name);
    return 1;
  }
  auto peers = parse_peer_arguments(command_name, arguments.peers);
  if (!peers) return 1;
  ClientOptions options;
  options.command_name = command_name;
  options.save_path = arguments.data_dir;
  options.bind = arguments.bind;
  options.port = arguments.port;
  options.peers = std::move(*peers);
  options.exit_when_complete = false;
  options.data_expected = true;
  options.upload_rate_limit_bytes_per_second = arguments.upload_limit_kib * 1024;
  options.connections_max = arguments.connections_max;
  options.status_interval =
      std::chrono::milliseconds(std::llround(arguments.status_interval_seconds * 1000));
  return run_client(std::move(*input), options);
}

}  // namespace

void register_seed(CLI::App& app, CommandSet& commands) {
  auto arguments = std::make_shared<SeedArguments>();
  CLI::App& command = commands.add(
      app, "seed",
      "Verify DATA_DIR/<name> against a .torrent file, then serve it until SIGINT or SIGTERM",
      [arguments] { return run_seed(*arguments); });
  command.add_option("torrent", arguments->input, "The .torrent file")->required();
  command
      .add_option("data_dir", arguments->data_dir, "The folder that holds the torrent's content")
      ->required();
  command.add_option("--peer", arguments->peers, "A peer to connect to, IP:PORT (repeatable)");
  command.add_option("--port", arguments->port, "Port to accept connections on (0: any free port)")
      ->capture_default_str();
  command.add_option("--bind", arguments->bind,
                     "Listen and connect from this address only (default: every interface)");
  command.add_option("--upload-limit", arguments->upload_limit_kib, "KiB/s (0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--connections-max", arguments->connections_max, "Connections at most")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command
      .add_option("--status-interval", arguments->status_interval_seconds,
                  "Seconds between status lines when output is not a terminal (0: none)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
}

}  // namespace swarmlab::apps
