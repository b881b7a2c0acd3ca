#include "actors/peer/udp_announce.hpp"

#include "actors/peer/tracker_client_options.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <variant>
#include <vector>

namespace swarmlab::peer {

namespace {

namespace asio = boost::asio;
namespace tracker_udp = protocol::tracker_udp;
using namespace asio::experimental::awaitable_operators;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// An exchange with one tracker over one socket.
struct Exchange {
  net::Host& host;
  net::Datagram& socket;
  const net::Endpoint& tracker;
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(tracker_udp::packet_size_max);

  protocol::PeerAddress::Family family() const {
    return tracker.address.is_v4() ? protocol::PeerAddress::Family::ipv4
                                   : protocol::PeerAddress::Family::ipv6;
  }

  // The tracker's reply to `transaction`, or none by `deadline`.
  asio::awaitable<std::optional<tracker_udp::Response>> reply(std::uint32_t transaction,
                                                              net::TimePoint deadline) {
    net::Timer timer = host.make_timer();
    timer.expires_at(deadline);
    while (host.now() < deadline) {
      net::Endpoint sender;
      auto outcome = co_await (socket.async_receive_from(asio::buffer(buffer), sender, use_tuple) ||
                               timer.async_wait(use_tuple));
      const auto* received = std::get_if<0>(&outcome);
      if (!received) co_return std::nullopt;
      const auto [error, size] = *received;
      if (error) co_return std::nullopt;  // the socket failed: treat as no reply until deadline
      if (sender != tracker) continue;
      auto response = tracker_udp::decode_response(std::span(buffer.data(), size), family());
      if (!response) continue;
      const std::uint32_t id =
          std::visit([](const auto& r) { return r.transaction_id; }, *response);
      if (id == transaction) co_return std::move(*response);
    }
    co_return std::nullopt;
  }

  asio::awaitable<bool> send(const tracker_udp::Request& request) {
    const std::vector<std::uint8_t> packet = tracker_udp::encode(request);
    auto [error, sent] = co_await socket.async_send_to(asio::buffer(packet), tracker, use_tuple);
    co_return !error && sent == packet.size();
  }
};

std::uint32_t transaction_id(net::Host& host) {
  return static_cast<std::uint32_t>(host.rng()());
}

}  // namespace

std::optional<std::uint64_t> UdpConnectionIds::find(const net::Endpoint& tracker,
                                                    net::TimePoint now) const {
  const auto found = ids_.find(tracker);
  if (found == ids_.end()) return std::nullopt;
  if (now - found->second.obtained_at >= tracker_client_limits::udp_connection_id_lifetime)
    return std::nullopt;
  return found->second.connection_id;
}

void UdpConnectionIds::store(const net::Endpoint& tracker, std::uint64_t connection_id,
                             net::TimePoint now) {
  ids_[tracker] = Entry{connection_id, now};
}

asio::awaitable<TrackerReply> udp_announce(net::Host& host, const net::Endpoint& tracker,
                                           tracker_udp::AnnounceRequest request,
                                           UdpConnectionIds& connection_ids,
                                           UdpRetransmission retransmission) {
  const net::Address any = tracker.address.is_v4() ? net::Address(asio::ip::address_v4::any())
                                                   : net::Address(asio::ip::address_v6::any());
  auto socket = host.open_udp({any, 0});
  if (!socket)
    co_return TrackerReply::failure("cannot open a UDP socket: " + socket.error().message());
  Exchange exchange{host, *socket, tracker};
  for (std::int32_t attempt = 0; attempt <= retransmission.retransmissions_max;) {
    const net::TimePoint deadline = host.now() + retransmission.timeout(attempt);
    const auto connection_id = connection_ids.find(tracker, host.now());
    const std::uint32_t transaction = transaction_id(host);
    if (!connection_id) {
      co_await exchange.send(tracker_udp::ConnectRequest{transaction});
    } else {
      request.connection_id = *connection_id;
      request.transaction_id = transaction;
      co_await exchange.send(request);
    }
    const auto response = co_await exchange.reply(transaction, deadline);
    if (!response) {
      ++attempt;
      continue;
    }
    if (const auto* error = std::get_if<tracker_udp::ErrorResponse>(&*response)) {
      connection_ids.forget(tracker);
      socket->close();
      co_return TrackerReply::failure(error->message.empty() ? "tracker error" : error->message);
    }
    if (const auto* connected = std::get_if<tracker_udp::ConnectResponse>(&*response)) {
      if (!connection_id) connection_ids.store(tracker, connected->connection_id, host.now());
      continue;  // announce at once, the same retransmission count
    }
    if (const auto* announced = std::get_if<tracker_udp::AnnounceResponse>(&*response)) {
      if (!connection_id) continue;
      TrackerReply reply;
      reply.interval_seconds = announced->interval_seconds;
      reply.seeders = announced->seeders;
      reply.leechers = announced->leechers;
      reply.peers = announced->peers;
      socket->close();
      co_return reply;
    }
    ++attempt;  // a scrape reply to our transaction: malformed, counts as no answer
  }
  socket->close();
  co_return TrackerReply::failure("timed out");
}

}  // namespace swarmlab::peer
