// Benchmark: announces per second that `swarmlab tracker` and opentracker sustain on loopback, over
// UDP (BEP 15) and over HTTP keep-alive, with the same load generator, the same bounded duration
// and the same torrents (both trackers serve exactly those, from one access-list file).
//
//   build/bench/tracker_load [--duration S] [--warmup S] [--torrents N] [--peers N] [--window N]
//                            [--connections N] [--swarmlab PATH] [--opentracker PATH]
//                            [--only swarmlab|opentracker] [--protocol udp|http]
//
// The generator is closed-loop: over UDP it keeps `window` announces in flight on one socket
// (sendmmsg/recvmmsg, so the generator spends far fewer system calls per announce than a tracker
// must); over HTTP it keeps one request in flight on each of `connections` kept-alive connections
// (reconnecting when a tracker closes one). Peer k announces for torrent k mod N with its own
// peer id and port, so every swarm holds peers/torrents peers and replies carry real peer lists.
// Only complete, well-formed announce replies count. Prints a table and the ratios; asserts
// nothing.
#include "protocol/sha1.hpp"
#include "protocol/tracker_http.hpp"
#include "protocol/tracker_udp.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace udp = swarmlab::protocol::tracker_udp;
namespace tracker_http = swarmlab::protocol::tracker_http;
using swarmlab::protocol::InfoHash;
using swarmlab::protocol::PeerId;

struct Options {
  int duration_seconds = 10;
  int warmup_seconds = 2;
  std::uint32_t torrents = 1000;
  std::uint32_t peers = 50'000;
  std::uint32_t window = 256;
  std::uint32_t connections = 32;
  // Default: the swarmlab next to this build's bench/ directory.
  std::string swarmlab =
      (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "swarmlab")
          .string();
  std::string opentracker = "/usr/bin/opentracker";
  std::string only;
  std::string protocol;
  // Measure a tracker that is already running on 127.0.0.1 instead (for profiling it).
  std::uint16_t attach_udp_port = 0;
  std::uint16_t attach_http_port = 0;
};

// Bounds of the generator itself.
constexpr std::uint32_t window_max = 4096;
constexpr std::uint32_t connections_max = 1024;
constexpr std::size_t udp_batch_max = 64;
constexpr auto udp_resend_after = 500ms;
constexpr auto start_timeout = 10s;

// ---- The load: torrents, peers, and their requests.

struct Load {
  std::vector<InfoHash> info_hashes;
  std::vector<PeerId> peer_ids;

  explicit Load(const Options& options) {
    for (std::uint32_t index = 0; index < options.torrents; ++index) {
      info_hashes.push_back(swarmlab::protocol::sha1("bench torrent " + std::to_string(index)));
    }
    for (std::uint32_t index = 0; index < options.peers; ++index) {
      PeerId id{};
      const std::string text = fmt::format("-BN0001-{:012}", index);
      std::memcpy(id.data(), text.data(), id.size());
      peer_ids.push_back(id);
    }
  }
  std::uint16_t port(std::uint32_t peer) const {
    return static_cast<std::uint16_t>(10000 + peer % 50000);
  }
  const InfoHash& torrent_of(std::uint32_t peer) const {
    return info_hashes[peer % info_hashes.size()];
  }
};

std::vector<std::uint8_t> udp_announce(const Load& load, std::uint32_t peer,
                                       std::uint64_t connection_id, std::uint32_t transaction) {
  udp::AnnounceRequest request;
  request.connection_id = connection_id;
  request.transaction_id = transaction;
  request.info_hash = load.torrent_of(peer);
  request.peer_id = load.peer_ids[peer];
  request.left_bytes = peer % 3 == 0 ? 0 : 1'000'000;
  request.key = peer;
  request.num_want = 50;
  request.port = load.port(peer);
  return udp::encode(request);
}

std::string http_announce(const Load& load, std::uint32_t peer) {
  tracker_http::AnnounceRequest request;
  request.info_hash = load.torrent_of(peer);
  request.peer_id = load.peer_ids[peer];
  request.port = load.port(peer);
  request.left_bytes = peer % 3 == 0 ? 0 : 1'000'000;
  request.compact = true;
  request.numwant = 50;
  return "GET " + tracker_http::build_announce_url("/announce", request) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
}

// ---- Trackers as child processes.

class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::filesystem::path& output) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> arguments;
    for (const std::string& argument : argv)
      arguments.push_back(const_cast<char*>(argument.c_str()));
    arguments.push_back(nullptr);
    if (posix_spawn(&pid_, arguments[0], &actions, nullptr, arguments.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int wait = 0; wait < 250; ++wait) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(20ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A port free for both TCP and UDP on 127.0.0.1 (for opentracker, which cannot pick its own).
std::uint16_t free_port() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(0);
    socklen_t size = sizeof address;
    ::bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(tcp, reinterpret_cast<sockaddr*>(&address), &size);
    const int datagram = ::socket(AF_INET, SOCK_DGRAM, 0);
    const bool udp_free =
        ::bind(datagram, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(tcp);
    ::close(datagram);
    if (udp_free) return ntohs(address.sin_port);
  }
  return 0;
}

bool tcp_accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in address = loopback(port);
  const bool connected =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// Reads "http-port: N" and "udp-port: N" from swarmlab's output file.
std::optional<std::pair<std::uint16_t, std::uint16_t>> swarmlab_ports(
    const std::filesystem::path& output) {
  const auto deadline = Clock::now() + start_timeout;
  while (Clock::now() < deadline) {
    std::ifstream in(output);
    std::string line;
    std::optional<std::uint16_t> http;
    std::optional<std::uint16_t> datagram;
    while (std::getline(in, line)) {
      if (line.starts_with("http-port: "))
        http = static_cast<std::uint16_t>(std::stoi(line.substr(11)));
      if (line.starts_with("udp-port: "))
        datagram = static_cast<std::uint16_t>(std::stoi(line.substr(10)));
    }
    if (http && datagram) return std::pair(*http, *datagram);
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

// ---- UDP generator.

struct Counts {
  std::uint64_t announces = 0;  // complete announce replies
  std::uint64_t failures = 0;   // error replies, malformed replies, resends
  double seconds = 0;
  std::string first_failure;  // what the first failure was, to tell a broken run from a slow one

  void fail(std::string_view what) {
    ++failures;
    if (first_failure.empty()) first_failure = what;
  }
};

class UdpGenerator {
 public:
  UdpGenerator(const Load& load, std::uint16_t port, std::uint32_t window)
      : load_(load), target_(loopback(port)), slots_(window) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    const int buffer_bytes = 4 * 1024 * 1024;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    const sockaddr_in local = loopback(0);
    ::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local);
  }
  ~UdpGenerator() { ::close(fd_); }

  bool connect() {
    const auto request = udp::encode(udp::ConnectRequest{.transaction_id = 0xc0ffee});
    for (int attempt = 0; attempt < 50; ++attempt) {
      ::sendto(fd_, request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&target_),
               sizeof target_);
      pollfd descriptor{.fd = fd_, .events = POLLIN, .revents = 0};
      if (::poll(&descriptor, 1, 100) <= 0) continue;
      std::array<std::uint8_t, 2048> reply{};
      const ssize_t size = ::recv(fd_, reply.data(), reply.size(), 0);
      if (size <= 0) continue;
      const auto response =
          udp::decode_response(std::span(reply.data(), static_cast<std::size_t>(size)),
                               swarmlab::protocol::PeerAddress::Family::ipv4);
      if (response && std::holds_alternative<udp::ConnectResponse>(*response)) {
        connection_id_ = std::get<udp::ConnectResponse>(*response).connection_id;
        return true;
      }
    }
    return false;
  }

  Counts run(Clock::duration duration) {
    Counts counts;
    const auto start = Clock::now();
    const auto end = start + duration;
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot)
      queue_send(slot);
    flush_sends();
    std::array<std::array<std::uint8_t, 2048>, udp_batch_max> buffers{};
    std::array<iovec, udp_batch_max> vectors{};
    std::array<mmsghdr, udp_batch_max> messages{};
    for (std::size_t index = 0; index < udp_batch_max; ++index) {
      vectors[index] = iovec{buffers[index].data(), buffers[index].size()};
      messages[index] = mmsghdr{};
      messages[index].msg_hdr.msg_iov = &vectors[index];
      messages[index].msg_hdr.msg_iovlen = 1;
    }
    auto last_sweep = start;
    while (Clock::now() < end) {
      pollfd descriptor{.fd = fd_, .events = POLLIN, .revents = 0};
      ::poll(&descriptor, 1, 10);
      const int received = ::recvmmsg(fd_, messages.data(), udp_batch_max, MSG_DONTWAIT, nullptr);
      for (int index = 0; index < received; ++index) {
        handle_reply(std::span(buffers[static_cast<std::size_t>(index)].data(),
                               messages[static_cast<std::size_t>(index)].msg_len),
                     counts);
      }
      if (Clock::now() - last_sweep > udp_resend_after / 2) {
        resend_lost(counts);
        last_sweep = Clock::now();
      }
      flush_sends();
    }
    counts.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return counts;
  }

 private:
  struct Slot {
    std::uint32_t transaction = 0;
    Clock::time_point sent{};
  };

  void queue_send(std::uint32_t slot) {
    const std::uint32_t peer = next_peer_++ % load_.peer_ids.size();
    // The slot index rides in the low bits of the transaction id, a generation in the high bits.
    const std::uint32_t transaction = (++generation_ << 12) | slot;
    slots_[slot] = Slot{transaction, Clock::now()};
    pending_.push_back(udp_announce(load_, peer, connection_id_, transaction));
  }

  void flush_sends() {
    std::size_t offset = 0;
    while (offset < pending_.size()) {
      const std::size_t count = std::min(udp_batch_max, pending_.size() - offset);
      std::array<iovec, udp_batch_max> vectors{};
      std::array<mmsghdr, udp_batch_max> messages{};
      for (std::size_t index = 0; index < count; ++index) {
        auto& packet = pending_[offset + index];
        vectors[index] = iovec{packet.data(), packet.size()};
        messages[index] = mmsghdr{};
        messages[index].msg_hdr.msg_name = &target_;
        messages[index].msg_hdr.msg_namelen = sizeof target_;
        messages[index].msg_hdr.msg_iov = &vectors[index];
        messages[index].msg_hdr.msg_iovlen = 1;
      }
      const int sent = ::sendmmsg(fd_, messages.data(), static_cast<unsigned>(count), 0);
      if (sent <= 0) break;  // the socket buffer is full: what is left counts as lost and is resent
      offset += static_cast<std::size_t>(sent);
    }
    pending_.clear();
  }

  void handle_reply(std::span<const std::uint8_t> reply, Counts& counts) {
    if (reply.size() < 8) return;
    const std::uint32_t transaction =
        static_cast<std::uint32_t>(reply[4]) << 24 | reply[5] << 16 | reply[6] << 8 | reply[7];
    const std::uint32_t slot = transaction & 0xfff;
    if (slot >= slots_.size() || slots_[slot].transaction != transaction) return;  // a late reply
    const auto response =
        udp::decode_response(reply, swarmlab::protocol::PeerAddress::Family::ipv4);
    if (response && std::holds_alternative<udp::AnnounceResponse>(*response)) {
      ++counts.announces;
    } else if (response && std::holds_alternative<udp::ErrorResponse>(*response)) {
      counts.fail("error reply: " + std::get<udp::ErrorResponse>(*response).message);
    } else {
      counts.fail(response ? "unexpected reply"
                           : "malformed reply: " + response.error().describe());
    }
    queue_send(slot);
  }

  void resend_lost(Counts& counts) {
    const auto now = Clock::now();
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
      if (now - slots_[slot].sent > udp_resend_after) {
        counts.fail("no reply in time");
        queue_send(slot);
      }
    }
  }

  const Load& load_;
  sockaddr_in target_;
  int fd_ = -1;
  std::uint64_t connection_id_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::vector<std::uint8_t>> pending_;
  std::uint32_t next_peer_ = 0;
  std::uint32_t generation_ = 0;
};

// ---- HTTP generator.

class HttpGenerator {
 public:
  HttpGenerator(const Load& load, std::uint16_t port, std::uint32_t connection_count)
      : load_(load), target_(loopback(port)), connections_(connection_count) {
    epoll_ = ::epoll_create1(0);
  }
  ~HttpGenerator() {
    for (Connection& connection : connections_)
      close_connection(connection);
    ::close(epoll_);
  }

  Counts run(Clock::duration duration) {
    Counts counts;
    const auto start = Clock::now();
    const auto end = start + duration;
    for (std::size_t index = 0; index < connections_.size(); ++index)
      start_request(index, counts);
    std::array<epoll_event, 256> events{};
    while (Clock::now() < end) {
      const int ready = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 10);
      for (int event = 0; event < ready; ++event) {
        on_readable(events[static_cast<std::size_t>(event)].data.u32, counts);
      }
    }
    counts.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return counts;
  }

 private:
  struct Connection {
    int fd = -1;
    std::string received;
  };

  bool open(std::uint32_t index) {
    Connection& connection = connections_[index];
    connection.fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int on = 1;
    ::setsockopt(connection.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (::connect(connection.fd, reinterpret_cast<const sockaddr*>(&target_), sizeof target_) !=
        0) {
      close_connection(connection);
      return false;
    }
    ::fcntl(connection.fd, F_SETFL, O_NONBLOCK);
    epoll_event event{.events = EPOLLIN, .data = {.u32 = index}};
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, connection.fd, &event);
    return true;
  }

  void close_connection(Connection& connection) {
    if (connection.fd < 0) return;
    ::close(connection.fd);
    connection.fd = -1;
    connection.received.clear();
  }

  void start_request(std::uint32_t index, Counts& counts) {
    Connection& connection = connections_[index];
    if (connection.fd < 0 && !open(index)) {
      counts.fail("cannot connect");
      return;
    }
    const std::string request = http_announce(load_, next_peer_++ % load_.peer_ids.size());
    // A request is far smaller than a socket buffer: one blocking-free write takes it whole.
    if (::send(connection.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      counts.fail("cannot send");
      close_connection(connection);
    }
  }

  void on_readable(std::uint32_t index, Counts& counts) {
    Connection& connection = connections_[index];
    char chunk[16 * 1024];
    const ssize_t size = ::recv(connection.fd, chunk, sizeof chunk, 0);
    if (size <= 0) {
      if (size < 0 && errno == EAGAIN) return;
      // Closed by the tracker: reconnect and go on.
      close_connection(connection);
      start_request(index, counts);
      return;
    }
    connection.received.append(chunk, static_cast<std::size_t>(size));
    const std::size_t header_end = connection.received.find("\r\n\r\n");
    if (header_end == std::string::npos) return;
    const std::string_view header(connection.received.data(), header_end);
    const std::size_t length_at = header.find("Content-Length: ");
    if (length_at == std::string::npos) {
      counts.fail("reply without Content-Length");
      close_connection(connection);
      start_request(index, counts);
      return;
    }
    const std::size_t length = std::strtoul(header.data() + length_at + 16, nullptr, 10);
    if (connection.received.size() < header_end + 4 + length) return;
    const std::string_view body(connection.received.data() + header_end + 4, length);
    const auto response = tracker_http::parse_announce_response(
        std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
    if (response && !response->failure_reason) {
      ++counts.announces;
    } else {
      counts.fail(response ? "failure reason: " + *response->failure_reason
                           : "malformed reply: " + response.error().describe());
    }
    const bool closing = header.find("Connection: close") != std::string::npos;
    connection.received.erase(0, header_end + 4 + length);
    if (closing) close_connection(connection);
    start_request(index, counts);
  }

  const Load& load_;
  sockaddr_in target_;
  int epoll_ = -1;
  std::vector<Connection> connections_;
  std::uint32_t next_peer_ = 0;
};

// ---- Runs.

struct Result {
  std::string tracker;
  std::string protocol;
  Counts counts;
  double rate() const {
    return counts.seconds > 0 ? static_cast<double>(counts.announces) / counts.seconds : 0;
  }
};

std::optional<Counts> measure(const Load& load, const Options& options, const std::string& protocol,
                              std::uint16_t http_port, std::uint16_t udp_port) {
  const auto warmup = std::chrono::seconds(options.warmup_seconds);
  const auto duration = std::chrono::seconds(options.duration_seconds);
  if (protocol == "udp") {
    UdpGenerator generator(load, udp_port, options.window);
    if (!generator.connect()) return std::nullopt;
    generator.run(warmup);  // every peer announces once before the count starts
    UdpGenerator measured(load, udp_port, options.window);
    if (!measured.connect()) return std::nullopt;
    return measured.run(duration);
  }
  {
    HttpGenerator generator(load, http_port, options.connections);
    generator.run(warmup);
  }
  HttpGenerator measured(load, http_port, options.connections);
  return measured.run(duration);
}

std::optional<Result> run_swarmlab(const Load& load, const Options& options,
                                   const std::string& protocol,
                                   const std::filesystem::path& whitelist,
                                   const std::filesystem::path& work) {
  const auto output = work / "swarmlab.out";
  Child child({options.swarmlab, "tracker", "--bind", "127.0.0.1", "--http-port", "0", "--udp-port",
               "0", "--whitelist", whitelist.string(), "--rate-limit", "0"},
              output);
  if (!child.started()) return std::nullopt;
  const auto ports = swarmlab_ports(output);
  if (!ports) return std::nullopt;
  const auto counts = measure(load, options, protocol, ports->first, ports->second);
  if (!counts) return std::nullopt;
  return Result{"swarmlab", protocol, *counts};
}

std::optional<Result> run_opentracker(const Load& load, const Options& options,
                                      const std::string& protocol,
                                      const std::filesystem::path& whitelist,
                                      const std::filesystem::path& work) {
  const std::uint16_t port = free_port();
  const std::string port_text = std::to_string(port);
  Child child({options.opentracker, "-i", "127.0.0.1", "-p", port_text, "-P", port_text, "-w",
               whitelist.string()},
              work / "opentracker.out");
  if (!child.started()) return std::nullopt;
  const auto deadline = Clock::now() + start_timeout;
  while (!tcp_accepts(port) && Clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  if (!tcp_accepts(port)) return std::nullopt;
  const auto counts = measure(load, options, protocol, port, port);
  if (!counts) return std::nullopt;
  return Result{"opentracker", protocol, *counts};
}

bool parse_options(int argc, char** argv, Options& options) {
  const auto to_u32 = [](const std::string& text) {
    return static_cast<std::uint32_t>(std::stoul(text));
  };
  const auto to_port = [](const std::string& text) {
    return static_cast<std::uint16_t>(std::stoul(text));
  };
  for (int index = 1; index + 1 < argc; index += 2) {
    const std::string_view name = argv[index];
    const std::string value = argv[index + 1];
    if (name == "--duration") {
      options.duration_seconds = std::stoi(value);
    } else if (name == "--warmup") {
      options.warmup_seconds = std::stoi(value);
    } else if (name == "--torrents") {
      options.torrents = to_u32(value);
    } else if (name == "--peers") {
      options.peers = to_u32(value);
    } else if (name == "--window") {
      options.window = to_u32(value);
    } else if (name == "--connections") {
      options.connections = to_u32(value);
    } else if (name == "--swarmlab") {
      options.swarmlab = value;
    } else if (name == "--opentracker") {
      options.opentracker = value;
    } else if (name == "--only") {
      options.only = value;
    } else if (name == "--protocol") {
      options.protocol = value;
    } else if (name == "--attach-udp") {
      options.attach_udp_port = to_port(value);
    } else if (name == "--attach-http") {
      options.attach_http_port = to_port(value);
    } else {
      return false;
    }
  }
  return options.duration_seconds > 0 && options.duration_seconds <= 600 && options.torrents > 0 &&
         options.peers >= options.torrents && options.window > 0 && options.window <= window_max &&
         options.connections > 0 && options.connections <= connections_max && argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    fmt::print(
        stderr,
        "usage: tracker_load [--duration S] [--warmup S] [--torrents N] [--peers N] [--window N] "
        "[--connections N] [--swarmlab PATH] [--opentracker PATH] [--only swarmlab|opentracker] "
        "[--protocol udp|http] [--attach-udp PORT | --attach-http PORT]\n");
    return 2;
  }
  const Load load(options);
  char pattern[] = "/tmp/tracker-load-XXXXXX";
  const std::filesystem::path work = ::mkdtemp(pattern);
  // opentracker drops its privileges (to "nobody") before it reads the access list.
  std::filesystem::permissions(
      work, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                std::filesystem::perms::others_exec);
  const auto whitelist = work / "whitelist";
  {
    std::ofstream out(whitelist);
    for (const InfoHash& hash : load.info_hashes)
      out << swarmlab::protocol::to_hex(hash) << "\n";
  }
  fmt::print(
      "tracker_load: {} torrents, {} peers, {} s per run after {} s warm-up; UDP window {}, HTTP "
      "connections {}\n",
      options.torrents, options.peers, options.duration_seconds, options.warmup_seconds,
      options.window, options.connections);
  std::vector<Result> results;
  if (options.attach_udp_port != 0 || options.attach_http_port != 0) {
    const std::string protocol = options.attach_udp_port != 0 ? "udp" : "http";
    const auto counts =
        measure(load, options, protocol, options.attach_http_port, options.attach_udp_port);
    if (counts) {
      fmt::print("attached     {:<5} {:>10.0f} announces/s ({} failures or resends)\n", protocol,
                 static_cast<double>(counts->announces) / counts->seconds, counts->failures);
    }
    std::filesystem::remove_all(work);
    return counts ? 0 : 1;
  }
  for (const std::string protocol : {"udp", "http"}) {
    if (!options.protocol.empty() && options.protocol != protocol) continue;
    for (const std::string tracker : {"swarmlab", "opentracker"}) {
      if (!options.only.empty() && options.only != tracker) continue;
      const auto result = tracker == "swarmlab"
                              ? run_swarmlab(load, options, protocol, whitelist, work)
                              : run_opentracker(load, options, protocol, whitelist, work);
      if (!result) {
        fmt::print("{:<12} {:<5} could not run (see {})\n", tracker, protocol, work.string());
        continue;
      }
      fmt::print(
          "{:<12} {:<5} {:>10.0f} announces/s  ({} replies, {} failures or resends in {:.1f} s)\n",
          result->tracker, result->protocol, result->rate(), result->counts.announces,
          result->counts.failures, result->counts.seconds);
      if (!result->counts.first_failure.empty()) {
        fmt::print("{:<18} first failure: {}\n", "", result->counts.first_failure);
      }
      std::fflush(stdout);
      results.push_back(*result);
    }
  }
  for (const std::string protocol : {"udp", "http"}) {
    const Result* ours = nullptr;
    const Result* theirs = nullptr;
    for (const Result& result : results) {
      if (result.protocol != protocol) continue;
      (result.tracker == "swarmlab" ? ours : theirs) = &result;
    }
    if (ours && theirs && theirs->rate() > 0) {
      fmt::print("ratio {:<5} swarmlab / opentracker = {:.2f}\n", protocol,
                 ours->rate() / theirs->rate());
    }
  }
  std::filesystem::remove_all(work);
  return 0;
}
