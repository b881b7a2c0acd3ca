// Running one torrent on real sockets for `swarmlab download` and `swarmlab seed`.
//
// One thread: an io_context runs a RealHost, the Peer (listener and torrent) and the command's
// own task, which fetches the metadata of a magnet link if needed, adds the torrent, prints the
// status, and ends the run: once complete (unless seeding), once the seeding policy is met, on
// SIGINT or SIGTERM, or on a storage failure. Ending means: the torrent stops, its connections
// close, the storage is flushed, then every task of the host is cancelled and the context runs
// dry. Disk I/O and hashing run on the storage's thread pool.
#include "apps/client_run.hpp"

#include "actors/peer/metadata_fetch.hpp"
#include "actors/peer/metadata_server.hpp"
#include "actors/peer/peer.hpp"
#include "actors/peer/pex.hpp"
#include "actors/peer/storage/file_storage.hpp"
#include "actors/peer/storage/thread_pool_disk_io.hpp"
#include "actors/peer/torrent_layout.hpp"
#include "actors/peer/tracker_client.hpp"
#include "actors/peer/tracker_request.hpp"
#include "apps/status_line.hpp"
#include "net/file_io.hpp"
#include "net/real_host.hpp"

#include <fmt/core.h>
#include <unistd.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cassert>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace swarmlab::apps {

namespace asio = boost::asio;
namespace storage = peer::storage;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto terminal_status_interval = 1s;
// After stop, how long the connections get to close before the storage is flushed anyway.
constexpr auto connection_drain_max = 5s;
constexpr auto drain_poll_interval = 20ms;
// A magnet link's size is unknown until its metadata arrives; any non-zero `left` tells its
// trackers that we are a leecher, so that they list the seeds.
constexpr std::uint64_t magnet_left_bytes = 16 * 1024;
// Asking a magnet link's trackers for first peers: a dead UDP tracker is given up after
// 15 + 30 + 60 s instead of BEP 15's hour, since nothing else can start meanwhile.
constexpr std::int32_t magnet_udp_retransmissions_max = 2;
constexpr auto magnet_http_timeout = 15s;

// Resolves tracker host names with the system's resolver, on the host's io_context.
peer::HostResolver system_resolver(net::RealHost& host) {
  return [&host](std::string name) -> asio::awaitable<net::Result<std::vector<net::Address>>> {
    asio::ip::tcp::resolver resolver(host.get_executor());
    auto [error, results] =
        co_await resolver.async_resolve(name, "", asio::as_tuple(asio::use_awaitable));
    if (error) co_return error;
    std::vector<net::Address> addresses;
    for (const auto& entry : results)
      addresses.push_back(entry.endpoint().address());
    co_return addresses;
  };
}

class ClientRun {
 public:
  ClientRun(const ClientOptions& options, net::RealHost& host, peer::Peer& peer)
      : options_(options),
        host_(host),
        peer_(peer),
        terminal_(::isatty(STDOUT_FILENO) != 0),
        peers_(options.peers),
        wake_timer_(host.make_timer()) {}

  asio::awaitable<void> run(TorrentInput input);
  // SIGINT or SIGTERM: end the run cleanly (a second signal cancels everything at once).
  void request_stop(int signal_number);
  // A run stopped by a signal before its data was complete did not do its job: 128 + the
  // signal's number, as a shell reports it. Once complete, a signal is how seeding ends: 0.
  int exit_code() const {
    if (exit_code_ == 0 && stop_signal_ != 0 && !complete_) return 128 + stop_signal_;
    return exit_code_;
  }

 private:
  asio::awaitable<std::optional<protocol::Metainfo>> obtain_metainfo(TorrentInput input);
  asio::awaitable<std::optional<protocol::Metainfo>> fetch_metadata(
      const protocol::MagnetLink& link);
  asio::awaitable<std::vector<protocol::PeerAddress>> peers_from_trackers(
      const protocol::MagnetLink& link);
  peer::Torrent* add_torrent(const protocol::Metainfo& metainfo);
  asio::awaitable<void> watch(peer::Torrent& torrent);
  asio::awaitable<void> shut_down(peer::Torrent& torrent);
  asio::awaitable<void> sleep_until_woken(net::Duration duration);
  void print_status(const std::string& line);
  void end_status_line();

  void start_tracker_client(peer::Torrent& torrent, const protocol::Metainfo& metainfo);
  // Says why a tracker failed, or what it warns of (or that it answers again), once per change,
  // so that "peers 0" on the status line has a reason.
  void report_tracker();

  const ClientOptions& options_;
  net::RealHost& host_;
  peer::Peer& peer_;
  bool terminal_;
  // Where to find peers: --peer, and a magnet link's x.pe.
  std::vector<protocol::PeerAddress> peers_;
  net::Timer wake_timer_;
  bool stop_requested_ = false;
  // A second stop signal cancelled every task: end at once.
  bool cut_short_ = false;
  int stop_signal_ = 0;
  bool complete_ = false;
  bool status_line_open_ = false;
  int exit_code_ = 0;
  std::optional<peer::MetadataFetch> fetch_;
  // A magnet link's trackers (tr), each its own tier.
  peer::TrackerClient::Tiers magnet_trackers_;
  peer::Torrent* torrent_ = nullptr;
  std::optional<peer::TrackerClient> tracker_;
  std::string tracker_report_;
};

asio::awaitable<void> ClientRun::run(TorrentInput input) {
  auto metainfo = co_await obtain_metainfo(std::move(input));
  if (!metainfo) co_return;
  torrent_ = add_torrent(*metainfo);
  if (torrent_ == nullptr) co_return;
  co_await watch(*torrent_);
  co_await shut_down(*torrent_);
}

void ClientRun::request_stop(int signal_number) {
  if (stop_signal_ == 0) stop_signal_ = signal_number;
  // Before the torrent exists (fetching metadata) there is nothing to flush: end at once.
  if (stop_requested_ || torrent_ == nullptr) {
    cut_short_ = true;
    host_.cancel_tasks();
    return;
  }
  stop_requested_ = true;
  wake_timer_.cancel();
}

asio::awaitable<std::optional<protocol::Metainfo>> ClientRun::obtain_metainfo(TorrentInput input) {
  if (auto* metainfo = std::get_if<protocol::Metainfo>(&input)) co_return std::move(*metainfo);
  co_return co_await fetch_metadata(std::get<protocol::MagnetLink>(input));
}

asio::awaitable<std::optional<protocol::Metainfo>> ClientRun::fetch_metadata(
    const protocol::MagnetLink& link) {
  assert(link.info_hash.has_value());
  std::vector<protocol::PeerAddress> peers = link.peers;
  peers.insert(peers.end(), options_.peers.begin(), options_.peers.end());
  bool trackers_asked = false;
  if (peers.empty()) {
    peers = co_await peers_from_trackers(link);
    trackers_asked = true;
  }
  if (peers.empty()) {
    fmt::print(stderr,
               "{}: no peer to fetch the metadata from: the magnet link names none (x.pe){}\n",
               options_.command_name,
               link.trackers.empty() ? ", no --peer was given and it has no tracker (tr)"
                                     : " and its trackers gave none");
    exit_code_ = 1;
    co_return std::nullopt;
  }
  // The same peers serve the data once the torrent exists.
  peers_ = peers;
  for (const std::string& url : link.trackers)
    magnet_trackers_.push_back({url});
  fetch_.emplace(host_, *link.info_hash, peer_.peer_id());
  fetch_->add_peers(peers);
  fmt::print("fetching metadata from {} peer(s)\n", peers.size());
  std::fflush(stdout);
  auto metainfo = co_await fetch_->run();
  if (!metainfo && !trackers_asked && !link.trackers.empty()) {
    // A magnet link's peers (x.pe) are often long gone; its trackers may know live ones.
    fmt::print("no metadata from the peers given; asking the magnet link's trackers\n");
    std::vector<protocol::PeerAddress> more = co_await peers_from_trackers(link);
    if (!more.empty()) {
      peers_.insert(peers_.end(), more.begin(), more.end());
      fetch_.emplace(host_, *link.info_hash, peer_.peer_id());
      fetch_->add_peers(more);
      fmt::print("fetching metadata from {} peer(s)\n", more.size());
      std::fflush(stdout);
      metainfo = co_await fetch_->run();
    }
  }
  if (!metainfo) {
    fmt::print(stderr, "{}: no peer gave the torrent's metadata ({} hash failures)\n",
               options_.command_name, fetch_->status().hash_failures);
    exit_code_ = 1;
    co_return std::nullopt;
  }
  fmt::print("metadata: {} ({} bytes in {} pieces)\n", metainfo->name, metainfo->total_size_bytes,
             metainfo->piece_count());
  co_return metainfo;
}

asio::awaitable<std::vector<protocol::PeerAddress>> ClientRun::peers_from_trackers(
    const protocol::MagnetLink& link) {
  peer::TrackerClientOptions options;
  options.resolver = system_resolver(host_);
  options.udp_retransmissions_max = magnet_udp_retransmissions_max;
  options.http_timeout = magnet_http_timeout;
  const peer::AnnounceParams params{.info_hash = *link.info_hash,
                                    .peer_id = peer_.peer_id(),
                                    .port = peer_.listen_port(),
                                    .uploaded_bytes = 0,
                                    .downloaded_bytes = 0,
                                    .left_bytes = magnet_left_bytes,
                                    .event = record::AnnounceEvent::none,
                                    .key = static_cast<std::uint32_t>(host_.rng()()),
                                    .tracker_id = std::nullopt};
  peer::UdpConnectionIds connection_ids;
  for (const std::string& url : link.trackers) {
    fmt::print("asking tracker {} for peers\n", url);
    std::fflush(stdout);
    auto reply = co_await peer::announce_to_url(host_, url, params, options, connection_ids);
    if (!reply.succeeded()) {
      fmt::print(stderr, "{}: tracker {}: {}\n", options_.command_name, url, reply.error);
      continue;
    }
    if (!reply.peers.empty()) co_return std::move(reply.peers);
  }
  co_return std::vector<protocol::PeerAddress>{};
}

peer::Torrent* ClientRun::add_torrent(const protocol::Metainfo& metainfo) {
  std::error_code error;
  std::filesystem::create_directories(options_.save_path, error);
  if (error) {
    fmt::print(stderr, "{}: {}: {}\n", options_.command_name, options_.save_path.string(),
               error.message());
    exit_code_ = 1;
    return nullptr;
  }
  auto layout = std::make_shared<const storage::StorageLayout>(peer::storage_layout_from(metainfo));
  auto disk = std::make_unique<storage::ThreadPoolDiskIo>(
      std::make_unique<storage::FileStorage>(layout, options_.save_path));
  peer::TorrentConfig config;
  config.connections_max = options_.connections_max;
  config.upload_rate_limit_bytes_per_second = options_.upload_rate_limit_bytes_per_second;
  config.download_rate_limit_bytes_per_second = options_.download_rate_limit_bytes_per_second;
  config.seeding = options_.seeding;
  config.existing_data = peer::ExistingData::verify;
  peer::Torrent& torrent = peer_.add_torrent(
      {.info_hash = metainfo.info_hash, .disk = std::move(disk), .config = std::move(config)});
  // BEP 27: a private torrent's peers come from its trackers only.
  if (!metainfo.is_private) {
    torrent.extensions().add(std::make_unique<peer::MetadataServer>(metainfo.info_bytes));
    torrent.extensions().add(std::make_unique<peer::PexExtension>(torrent, host_));
  }
  torrent.add_state_listener([this](peer::TorrentState) { wake_timer_.cancel(); });
  torrent.add_peers(peers_);
  start_tracker_client(torrent, metainfo);
  fmt::print("torrent: {}\ninfo-hash: {}\nsave path: {}\n", metainfo.name,
             protocol::to_hex(metainfo.info_hash), options_.save_path.string());
  std::fflush(stdout);
  return &torrent;
}

void ClientRun::start_tracker_client(peer::Torrent& torrent, const protocol::Metainfo& metainfo) {
  peer::TrackerClient::Tiers tiers = metainfo.tracker_tiers;
  tiers.insert(tiers.end(), magnet_trackers_.begin(), magnet_trackers_.end());
  if (tiers.empty()) return;
  peer::TrackerClientOptions tracker_options;
  tracker_options.resolver = system_resolver(host_);
  std::size_t url_count = 0;
  for (const auto& tier : tiers)
    url_count += tier.size();
  tracker_.emplace(torrent, std::move(tiers), std::move(tracker_options));
  tracker_->start();
  fmt::print("trackers: {}\n", url_count);
}

asio::awaitable<void> ClientRun::watch(peer::Torrent& torrent) {
  const net::Duration interval =
      terminal_ ? net::Duration(terminal_status_interval) : net::Duration(options_.status_interval);
  net::TimePoint next_status = host_.now();
  bool reported_complete = false;
  bool reported_checked = false;
  while (!stop_requested_) {
    const peer::TorrentState state = torrent.state();
    if (state == peer::TorrentState::failed) {
      end_status_line();
      fmt::print(stderr, "{}: {}: storage failure: {}; stopping\n", options_.command_name,
                 options_.save_path.string(), torrent.storage_error().message());
      exit_code_ = 1;
      co_return;
    }
    if (state == peer::TorrentState::finished) complete_ = true;
    if (state == peer::TorrentState::finished || state == peer::TorrentState::stopped) break;
    if (state != peer::TorrentState::checking && !reported_checked) {
      reported_checked = true;
      const peer::TorrentStatus status = torrent.status();
      end_status_line();
      fmt::print("checked: {} of {} pieces present\n", status.pieces_verified, status.piece_count);
      if (options_.data_expected && status.pieces_verified < status.piece_count) {
        fmt::print(stderr,
                   "{}: warning: {} of {} pieces are missing or damaged in {}; they are served "
                   "only once fetched from peers\n",
                   options_.command_name, status.piece_count - status.pieces_verified,
                   status.piece_count, options_.save_path.string());
      }
    }
    if (state == peer::TorrentState::seeding && !reported_complete) {
      reported_complete = true;
      complete_ = true;
      end_status_line();
      fmt::print("complete: every piece verified\n");
      std::fflush(stdout);
      if (options_.exit_when_complete) break;
    }
    report_tracker();
    if (host_.now() >= next_status && interval.count() > 0) {
      print_status(format_status(torrent.status()));
      next_status = host_.now() + interval;
    }
    co_await sleep_until_woken(interval.count() > 0 ? interval : net::Duration(1s));
  }
}

void ClientRun::report_tracker() {
  if (!tracker_ || !tracker_->last_outcome()) return;
  const peer::AnnounceOutcome& outcome = *tracker_->last_outcome();
  const bool clean = outcome.succeeded && outcome.warning.empty();
  if (clean && tracker_report_.empty()) return;
  std::string report;
  if (!outcome.succeeded) {
    report = fmt::format("tracker {}: {}", outcome.tracker_url, outcome.error);
  } else if (!outcome.warning.empty()) {
    report = fmt::format("tracker {}: warning: {}", outcome.tracker_url, outcome.warning);
  } else {
    report =
        fmt::format("tracker {}: answered ({} peers)", outcome.tracker_url, outcome.peer_count);
  }
  if (report == tracker_report_) return;
  end_status_line();
  fmt::print("{}\n", report);
  std::fflush(stdout);
  tracker_report_ = clean ? std::string() : std::move(report);
}

asio::awaitable<void> ClientRun::shut_down(peer::Torrent& torrent) {
  const peer::TorrentStatus final_status = torrent.status();
  torrent.stop();
  // Blocks already received are being written; let the connections end before the flush.
  const net::TimePoint drain_deadline = host_.now() + connection_drain_max;
  while (torrent.connection_count() > 0 && host_.now() < drain_deadline) {
    co_await sleep_until_woken(drain_poll_interval);
  }
  if (tracker_) {
    // The `stopped` announce is bounded by the client's own timeout.
    tracker_->stop();
    while (tracker_->running())
      co_await sleep_until_woken(drain_poll_interval);
    // A download that completes at once ends before its status loop saw the tracker's answers.
    report_tracker();
  }
  const auto flushed = co_await torrent.disk().flush();
  end_status_line();
  if (!flushed && cut_short_) {
    // A second stop signal cancelled the flush: what was written is in the files, not yet
    // known to be on disk. Not a storage failure (and nothing to say when nothing was written).
    if (final_status.counters.payload_downloaded_bytes > 0) {
      fmt::print(stderr, "{}: stopped before the data was flushed to disk\n",
                 options_.command_name);
    }
  } else if (!flushed) {
    fmt::print(stderr, "{}: {}: cannot flush to disk: {}\n", options_.command_name,
               options_.save_path.string(), flushed.error().message());
    exit_code_ = 1;
  }
  fmt::print("stopped: {}; downloaded {} bytes, uploaded {} bytes\n", format_status(final_status),
             final_status.counters.payload_downloaded_bytes,
             final_status.counters.payload_uploaded_bytes);
  std::fflush(stdout);
}

asio::awaitable<void> ClientRun::sleep_until_woken(net::Duration duration) {
  wake_timer_.expires_after(duration, host_.now());
  co_await wake_timer_.async_wait(use_tuple);
}

void ClientRun::print_status(const std::string& line) {
  if (terminal_) {
    fmt::print("\r{}\x1b[K", line);
    status_line_open_ = true;
  } else {
    fmt::print("{}\n", line);
  }
  std::fflush(stdout);
}

void ClientRun::end_status_line() {
  if (!status_line_open_) return;
  fmt::print("\n");
  status_line_open_ = false;
}

}  // namespace

std::optional<TorrentInput> load_torrent_input(std::string_view command_name,
                                               const std::string& input) {
  if (input.starts_with("magnet:")) {
    auto link = protocol::parse_magnet(input);
    if (!link) {
      fmt::print(stderr, "{}: {}: {}\n", command_name, input, link.error().describe());
      return std::nullopt;
    }
    if (const std::error_code error = protocol::check_downloadable(*link)) {
      fmt::print(stderr, "{}: {}: {}\n", command_name, input, error.message());
      return std::nullopt;
    }
    return TorrentInput(std::move(*link));
  }
  const auto bytes = net::read_file(input, protocol::metainfo_size_max);
  if (!bytes) {
    fmt::print(stderr, "{}: {}: {}\n", command_name, input, bytes.error().message());
    return std::nullopt;
  }
  auto metainfo = protocol::parse_metainfo(*bytes);
  if (!metainfo) {
    fmt::print(stderr, "{}: {}: not a valid torrent file: {}\n", command_name, input,
               metainfo.error().describe());
    return std::nullopt;
  }
  return TorrentInput(std::move(*metainfo));
}

std::optional<std::vector<protocol::PeerAddress>> parse_peer_arguments(
    std::string_view command_name, const std::vector<std::string>& arguments) {
  std::vector<protocol::PeerAddress> peers;
  for (const std::string& argument : arguments) {
    const auto address = protocol::PeerAddress::parse(argument);
    if (!address || address->port == 0) {
      fmt::print(stderr, "{}: --peer: '{}' is not IP:PORT (e.g. 192.0.2.1:6881 or [::1]:6881)\n",
                 command_name, argument);
      return std::nullopt;
    }
    peers.push_back(*address);
  }
  return peers;
}

int run_client(TorrentInput input, const ClientOptions& options) {
  // Refused before anything listens: the content goes inside the save path.
  if (std::error_code error; std::filesystem::exists(options.save_path, error) &&
                             !std::filesystem::is_directory(options.save_path, error)) {
    fmt::print(stderr, "{}: {}: not a directory\n", options.command_name,
               options.save_path.string());
    return 1;
  }
  // No seed: the host draws one from entropy, so that a client's peer id and random choices do
  // not repeat between runs.
  net::RealHostOptions host_options;
  if (!options.bind.empty()) {
    boost::system::error_code error;
    const auto address = asio::ip::make_address(options.bind, error);
    if (error) {
      fmt::print(stderr, "{}: --bind: '{}' is not an IP address\n", options.command_name,
                 options.bind);
      return 1;
    }
    host_options.addresses.push_back(address);
  }
  asio::io_context io_context(1);
  net::RealHost host(io_context, std::move(host_options));
  peer::Peer peer(host, {.listen_port = options.port});
  if (auto started = peer.start(); !started) {
    fmt::print(stderr, "{}: cannot listen on port {}: {}\n", options.command_name, options.port,
               started.error().message());
    return 1;
  }
  fmt::print("listening: port {}\n", peer.listen_port());
  std::fflush(stdout);
  ClientRun run(options, host, peer);
  std::exception_ptr failure;
  {
    asio::signal_set signals(io_context, SIGINT, SIGTERM);
    std::function<void()> arm_signals = [&] {
      signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
        if (error) return;
        run.request_stop(signal_number);
        arm_signals();
      });
    };
    arm_signals();
    bool ended = false;
    host.spawn(run.run(std::move(input)), [&](std::exception_ptr exit_failure) {
      if (exit_failure && !net::is_cancellation(exit_failure)) failure = exit_failure;
      ended = true;
      asio::post(io_context, [&] {
        peer.stop();
        host.cancel_tasks();
        signals.cancel();
      });
    });
    // Until the command's task and then every task of the host have ended. Outstanding work that
    // belongs to no task (an abandoned disk operation's bookkeeping) must not keep the process up.
    while (!io_context.stopped() && !(ended && host.task_count() == 0)) {
      io_context.run_for(drain_poll_interval);
    }
    io_context.poll();
  }
  // The command has ended and `signals` no longer catches stop signals: one arriving now (a
  // second one forwarded by `timeout`, say) must not kill the process and turn its exit status
  // into a death by signal.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  if (failure) std::rethrow_exception(failure);
  return run.exit_code();
}

}  // namespace swarmlab::apps
