// `swarmlab tracker`: an HTTP and UDP BitTorrent tracker on real sockets, until SIGINT or SIGTERM.
// It prints the ports it bound (so a caller that asked for port 0 learns them), then serves.
#include "actors/tracker/tracker.hpp"
#include "actors/tracker/whitelist.hpp"
#include "apps/commands.hpp"
#include "net/file_io.hpp"
#include "net/real_host.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace swarmlab::apps {
namespace {

namespace asio = boost::asio;
using tracker::TrackerConfig;

struct TrackerArguments {
  std::uint16_t http_port = 6969;
  std::uint16_t udp_port = 6969;
  bool no_http = false;
  bool no_udp = false;
  std::string bind;
  std::uint32_t interval_seconds = 1800;
  std::optional<std::uint32_t> min_interval_seconds;
  std::optional<std::uint32_t> peer_timeout_seconds;
  std::uint32_t numwant_max = tracker::limits::numwant_max_default;
  std::string whitelist;
  std::uint32_t rate_limit = tracker::limits::rate_requests_per_second_default;
  std::uint32_t rate_burst = tracker::limits::rate_burst_default;
};

// The 1-based line that holds byte `offset` of `text`.
std::size_t line_of(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// Fills the access list of private mode; false (after saying why) if the file is unusable.
bool load_whitelist(const std::string& path, TrackerConfig& config) {
  const auto text = net::read_file(path, tracker::limits::whitelist_file_size_bytes_max);
  if (!text) {
    fmt::print(stderr, "swarmlab tracker: {}: {}\n", path, text.error().message());
    return false;
  }
  auto hashes = tracker::parse_whitelist(*text);
  if (!hashes) {
    fmt::print(stderr, "swarmlab tracker: {}: line {}: {}\n", path,
               line_of(*text, hashes.error().offset), hashes.error().code.message());
    return false;
  }
  config.whitelist = std::move(*hashes);
  return true;
}

std::optional<TrackerConfig> to_config(const TrackerArguments& arguments) {
  using std::chrono::seconds;
  TrackerConfig config;
  if (!arguments.bind.empty()) {
    boost::system::error_code error;
    const auto address = asio::ip::make_address(arguments.bind, error);
    if (error) {
      fmt::print(stderr, "swarmlab tracker: --bind: '{}' is not an IP address\n", arguments.bind);
      return std::nullopt;
    }
    config.bind_address = address;
  }
  if (arguments.no_http && arguments.no_udp) {
    fmt::print(stderr,
               "swarmlab tracker: --no-http and --no-udp together leave nothing to serve\n");
    return std::nullopt;
  }
  if (!arguments.no_http)
    config.http_port = arguments.http_port;
  else
    config.http_port.reset();
  if (!arguments.no_udp)
    config.udp_port = arguments.udp_port;
  else
    config.udp_port.reset();
  config.interval = seconds(arguments.interval_seconds);
  config.min_interval = seconds(arguments.min_interval_seconds.value_or(
      std::min<std::uint32_t>(arguments.interval_seconds / 2, 900)));
  config.peer_timeout =
      seconds(arguments.peer_timeout_seconds.value_or(arguments.interval_seconds / 2 * 3 + 1));
  if (config.min_interval > config.interval || config.peer_timeout < config.interval) {
    fmt::print(stderr, "swarmlab tracker: need --min-interval <= --interval <= --peer-timeout\n");
    return std::nullopt;
  }
  config.numwant_max = arguments.numwant_max;
  config.numwant_default = std::min(config.numwant_default, config.numwant_max);
  config.rate_limit = {.requests_per_second = arguments.rate_limit,
                       .burst = std::max<std::uint32_t>(arguments.rate_burst, 1)};
  if (!arguments.whitelist.empty() && !load_whitelist(arguments.whitelist, config)) {
    return std::nullopt;
  }
  return config;
}

void print_endpoints(const tracker::TrackerEndpoints& endpoints) {
  if (!endpoints.http.empty()) fmt::print("http-port: {}\n", endpoints.http.front().port);
  if (!endpoints.udp.empty()) fmt::print("udp-port: {}\n", endpoints.udp.front().port);
  for (const net::Endpoint& endpoint : endpoints.http)
    fmt::print("listening: http {}\n", endpoint.to_string());
  for (const net::Endpoint& endpoint : endpoints.udp)
    fmt::print("listening: udp {}\n", endpoint.to_string());
  std::fflush(stdout);
}

int run_tracker_command(const TrackerArguments& arguments) {
  auto config = to_config(arguments);
  if (!config) return 1;
  asio::io_context io_context(1);
  // Connection ids must not be predictable, so a real tracker's generator is seeded from the
  // system's entropy (simulated trackers take the run's seed instead).
  std::random_device entropy;
  const std::uint64_t seed = (std::uint64_t{entropy()} << 32) | entropy();
  net::RealHost host(io_context, net::RealHostOptions{.addresses = {}, .seed = seed});
  auto server = tracker::TrackerServer::open(host, *config, nullptr);
  if (!server) {
    fmt::print(stderr, "swarmlab tracker: cannot listen on {} (http port {}, udp port {}): {}\n",
               arguments.bind.empty() ? "all addresses" : arguments.bind, arguments.http_port,
               arguments.udp_port, server.error().message());
    return 1;
  }
  print_endpoints((*server)->endpoints());
  asio::signal_set signals(io_context, SIGINT, SIGTERM);
  signals.async_wait([&host](const boost::system::error_code& error, int) {
    if (!error) host.cancel_tasks();
  });
  std::exception_ptr failure;
  host.spawn((*server)->run(), [&](std::exception_ptr exit) {
    if (exit && !net::is_cancellation(exit)) failure = exit;
    signals.cancel();
  });
  io_context.run();
  if (failure) std::rethrow_exception(failure);
  fmt::print("stopped\n");
  return 0;
}

}  // namespace

void register_tracker(CLI::App& app, CommandSet& commands) {
  auto arguments = std::make_shared<TrackerArguments>();
  CLI::App& command =
      commands.add(app, "tracker", "Run an HTTP and UDP BitTorrent tracker until SIGINT or SIGTERM",
                   [arguments] { return run_tracker_command(*arguments); });
  command.add_option("--http-port", arguments->http_port, "HTTP port (0: any free port)")
      ->capture_default_str();
  command.add_option("--udp-port", arguments->udp_port, "UDP port (0: any free port)")
      ->capture_default_str();
  command.add_flag("--no-http", arguments->no_http, "Do not serve HTTP");
  command.add_flag("--no-udp", arguments->no_udp, "Do not serve UDP");
  command.add_option("--bind", arguments->bind,
                     "Listen on this address only (default: every address, IPv4 and IPv6)");
  command.add_option("--interval", arguments->interval_seconds, "Announce interval in seconds")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  command.add_option("--min-interval", arguments->min_interval_seconds,
                     "Minimum announce interval in seconds (default: half the interval, at most "
                     "900)");
  command
      .add_option("--peer-timeout", arguments->peer_timeout_seconds,
                  "Seconds after its last announce that a peer is dropped (default: 1.5 "
                  "intervals)")
      ->check(CLI::Range(1, 2 * 86400));
  command.add_option("--numwant-max", arguments->numwant_max, "Most peers in one reply")
      ->check(CLI::Range(1u, tracker::limits::reply_peer_count_max))
      ->capture_default_str();
  command.add_option("--whitelist", arguments->whitelist,
                     "Private mode: serve only the info-hashes in this file (40 hex digits per "
                     "line, as opentracker's -w)");
  command
      .add_option("--rate-limit", arguments->rate_limit,
                  "Requests per second allowed from one address (0: no limit)")
      ->capture_default_str();
  command
      .add_option("--rate-burst", arguments->rate_burst,
                  "Requests one address may send at once after a quiet spell")
      ->capture_default_str();
}

}  // namespace swarmlab::apps
