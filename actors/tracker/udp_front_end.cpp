#include "actors/tracker/udp_front_end.hpp"

#include "actors/tracker/peer_endpoint.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <cassert>
#include <chrono>
#include <memory>

namespace swarmlab::tracker {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Receive errors other than cancellation (an ICMP "port unreachable" reported on a later receive,
// say) are passed over; after this many in a row, the loop pauses before receiving again.
constexpr int receive_errors_in_a_row_max = 64;
constexpr net::Duration receive_error_pause = 100ms;

}  // namespace

UdpFrontEnd::UdpFrontEnd(net::Host& host, TrackerCore& core)
    : host_(host), handler_(core, host.rng()) {}

void UdpFrontEnd::add_socket(net::Datagram socket) {
  assert(sockets_.size() < 2);
  sockets_.push_back(std::move(socket));
}

std::vector<net::Endpoint> UdpFrontEnd::endpoints() const {
  std::vector<net::Endpoint> endpoints;
  for (const net::Datagram& socket : sockets_)
    endpoints.push_back(socket.local_endpoint());
  return endpoints;
}

asio::awaitable<void> UdpFrontEnd::run() {
  if (sockets_.empty()) {
    net::Timer forever = host_.make_timer();
    forever.expires_at(net::time_max);
    co_await forever.async_wait(asio::use_awaitable);
  } else if (sockets_.size() == 1) {
    co_await serve(sockets_[0]);
  } else {
    co_await (serve(sockets_[0]) || serve(sockets_[1]));
  }
}

// Storage for one burst, reused from one to the next: a buffer per request, a reply per request.
struct UdpFrontEnd::Burst {
  static constexpr std::size_t count_max = limits::udp_burst_datagram_count_max;
  static constexpr std::size_t request_size_bytes = limits::udp_request_size_max + 1;

  Burst() : requests(count_max * request_size_bytes), replies(count_max) {
    for (std::vector<std::uint8_t>& reply : replies)
      reply.reserve(limits::udp_reply_size_max);
  }

  std::vector<std::uint8_t> requests;
  std::vector<std::vector<std::uint8_t>> replies;
  std::array<net::DatagramSlot, count_max> received{};
  std::array<net::DatagramSlot, count_max> outgoing{};
};

asio::awaitable<void> UdpFrontEnd::serve(net::Datagram& socket) {
  std::array<std::uint8_t, limits::udp_request_size_max + 1> packet{};
  std::vector<std::uint8_t> reply;
  reply.reserve(limits::udp_reply_size_max);
  const auto burst = std::make_unique<Burst>();
  int errors_in_a_row = 0;
  // Ends when cancelled or when the socket is closed: serving is what the loop is for.
  while (true) {
    net::Endpoint sender;
    const auto [receive_error, size] =
        co_await socket.async_receive_from(asio::buffer(packet), sender, use_tuple);
    if (receive_error == asio::error::operation_aborted) co_return;
    if (receive_error) {
      if (++errors_in_a_row >= receive_errors_in_a_row_max) {
        errors_in_a_row = 0;
        co_await host_.sleep(receive_error_pause);
      }
      continue;
    }
    errors_in_a_row = 0;
    if (!answer(socket, std::span(packet.data(), size), sender, reply)) {
      co_await socket.async_send_to(asio::buffer(reply), sender, use_tuple);
    }
    co_await serve_burst(socket, *burst);
  }
}

asio::awaitable<void> UdpFrontEnd::serve_burst(net::Datagram& socket, Burst& burst) {
  // Whatever has already arrived, without suspending: one wait serves a whole burst. A receive
  // error ends the burst; the asynchronous receive then reports what persists.
  for (std::size_t index = 0; index < Burst::count_max; ++index) {
    burst.received[index].buffer = asio::buffer(
        burst.requests.data() + index * Burst::request_size_bytes, Burst::request_size_bytes);
  }
  const auto received = socket.try_receive_many(burst.received);
  if (!received) co_return;
  assert(*received <= Burst::count_max);
  // The datagrams of a burst had all arrived when it was taken: they are served at one time.
  const net::TimePoint now = host_.now();
  std::size_t reply_count = 0;
  for (std::size_t index = 0; index < *received; ++index) {
    const net::DatagramSlot& request = burst.received[index];
    assert(request.size_bytes <= Burst::request_size_bytes);
    std::vector<std::uint8_t>& reply = burst.replies[reply_count];
    handler_.handle(
        std::span(static_cast<const std::uint8_t*>(request.buffer.data()), request.size_bytes),
        to_peer_address(request.peer), now, reply);
    if (reply.empty()) continue;
    burst.outgoing[reply_count++] =
        net::DatagramSlot{asio::buffer(reply), request.peer, reply.size()};
  }
  // Replies go out together. A reply that cannot be sent is lost like any datagram, and the
  // client will ask again; only a socket that cannot take one at once makes the loop wait.
  std::size_t sent = 0;
  while (sent < reply_count) {
    const auto taken =
        socket.try_send_many(std::span(burst.outgoing).subspan(sent, reply_count - sent));
    if (taken && *taken > 0) {
      sent += *taken;
      continue;
    }
    const net::DatagramSlot& next = burst.outgoing[sent];
    if (!taken && taken.error() == asio::error::would_block) {
      co_await socket.async_send_to(asio::buffer(next.buffer, next.size_bytes), next.peer,
                                    use_tuple);
    }
    ++sent;
  }
}

bool UdpFrontEnd::answer(net::Datagram& socket, std::span<const std::uint8_t> packet,
                         const net::Endpoint& sender, std::vector<std::uint8_t>& reply) {
  assert(packet.size() <= limits::udp_request_size_max + 1);
  handler_.handle(packet, to_peer_address(sender), host_.now(), reply);
  if (reply.empty()) return true;
  // A reply that cannot be sent is lost like any datagram; the client will ask again. Only a
  // socket that cannot take it at once (or a backend without the shortcut) makes the caller wait.
  const auto sent = socket.try_send_to(asio::buffer(reply), sender);
  return sent || sent.error() != asio::error::would_block;
}

}  // namespace swarmlab::tracker
