// `swarmlab download TORRENT|MAGNET -o DIR`: downloads a torrent into DIR/<name> on real sockets,
// resuming from whatever DIR already holds, and exits 0 once every piece is verified (or seeds on
// with --seed-after, --seed-ratio or --seed-time).
#include "apps/client_run.hpp"
#include "apps/commands.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <memory>

namespace swarmlab::apps {
namespace {

constexpr const char* command_name = "swarmlab download";

struct DownloadArguments {
  std::string input;
  std::string save_path = ".";
  std::vector<std::string> peers;
  std::uint16_t port = 6881;
  std::string bind;
  bool seed_after = false;
  std::optional<double> seed_ratio;
  std::optional<std::uint32_t> seed_time_seconds;
  std::int64_t upload_limit_kib = 0;
  std::int64_t download_limit_kib = 0;
  std::int32_t connections_max = 50;
  double status_interval_seconds = 5;
};

int run_download(const DownloadArguments& arguments) {
  auto input = load_torrent_input(command_name, arguments.input);
  if (!input) return 1;
  auto peers = parse_peer_arguments(command_name, arguments.peers);
  if (!peers) return 1;
  ClientOptions options;
  options.command_name = command_name;
  options.save_path = arguments.save_path;
  options.bind = arguments.bind;
  options.port = arguments.port;
  options.peers = std::move(*peers);
  options.exit_when_complete =
      !arguments.seed_after && !arguments.seed_ratio && !arguments.seed_time_seconds;
  if (arguments.seed_ratio) {
    options.seeding.kind = peer::SeedingPolicy::Kind::ratio;
    options.seeding.ratio_permille = std::llround(*arguments.seed_ratio * 1000);
  } else if (arguments.seed_time_seconds) {
    options.seeding.kind = peer::SeedingPolicy::Kind::duration;
    options.seeding.duration = std::chrono::seconds(*arguments.seed_time_seconds);
  }
  options.upload_rate_limit_bytes_per_second = arguments.upload_limit_kib * 1024;
  options.download_rate_limit_bytes_per_second = arguments.download_limit_kib * 1024;
  options.connections_max = arguments.connections_max;
  options.status_interval =
      std::chrono::milliseconds(std::llround(arguments.status_interval_seconds * 1000));
  return run_client(std::move(*input), options);
}

}  // namespace

void register_download(CLI::App& app, CommandSet& commands) {
  auto arguments = std::make_shared<DownloadArguments>();
  CLI::App& command = commands.add(
      app, "download",
      "Download a torrent (a .torrent file or a magnet link) into DIR/<name>; exits 0 once every "
      "piece is verified. Existing data is re-verified first, so running again resumes.",
      [arguments] { return run_download(*arguments); });
  command.add_option("torrent", arguments->input, "A .torrent file or a magnet: link")->required();
  command
      .add_option("-o,--output", arguments->save_path, "Save path: the content goes in DIR/<name>")
      ->capture_default_str();
  command.add_option("--peer", arguments->peers,
                     "A peer to connect to, IP:PORT (repeatable; e.g. 127.0.0.1:6881, [::1]:6881)");
  command.add_option("--port", arguments->port, "Port to accept connections on (0: any free port)")
      ->capture_default_str();
  command.add_option("--bind", arguments->bind,
                     "Listen and connect from this address only (default: every interface)");
  command.add_flag("--seed-after", arguments->seed_after,
                   "Keep seeding after completion until SIGINT or SIGTERM");
  command
      .add_option("--seed-ratio", arguments->seed_ratio,
                  "Keep seeding after completion until uploaded / size reaches this ratio")
      ->check(CLI::Range(0.0, 1000.0));
  command.add_option("--seed-time", arguments->seed_time_seconds,
                     "Keep seeding after completion for this many seconds");
  command.add_option("--upload-limit", arguments->upload_limit_kib, "KiB/s (0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--download-limit", arguments->download_limit_kib, "KiB/s (0: unlimited)")
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
