// Opening connections: the connect loop draws addresses from the address book within the
// connection and half-open limits; each attempt is a task that connects, exchanges handshakes and
// then runs the connection. Incoming streams arrive here from the Peer once their handshake named
// this torrent.
#include "actors/peer/torrent.hpp"

#include "actors/peer/endpoint_conversion.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;
namespace wire = protocol::wire;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

void Torrent::add_peers(std::span<const protocol::PeerAddress> peers) {
  for (const protocol::PeerAddress& peer : peers)
    add_peer(to_endpoint(peer));
}

void Torrent::add_peer(const net::Endpoint& endpoint) {
  if (is_own_endpoint(endpoint)) return;
  if (book_.add(endpoint)) wake_connect_loop();
}

bool Torrent::is_own_endpoint(const net::Endpoint& endpoint) const {
  if (endpoint.port != session_.listen_port) return false;
  const auto own = host_.addresses();
  return std::find(own.begin(), own.end(), endpoint.address) != own.end();
}

void Torrent::wake_connect_loop() {
  if (started_ && !stopping_) connect_timer_.cancel();
}

asio::awaitable<void> Torrent::connect_loop() {
  // Runs until the torrent stops; every turn starts connects or waits for a reason to.
  for (;;) {
    if (stopping_) co_return;
    const net::TimePoint now = host_.now();
    start_connects(now);
    // With every slot taken, a due retry must wait for a slot (a closing connection or a finished
    // attempt wakes the loop); arming the timer for it would wake the loop at once, forever.
    const bool slot_free =
        half_open_ < config_.half_open_max &&
        static_cast<std::int32_t>(connections_.size()) + half_open_ < config_.connections_max;
    const auto retry_at = slot_free ? book_.next_retry_at() : std::nullopt;
    connect_timer_.expires_at(retry_at ? std::max(*retry_at, now + net::Duration{1})
                                       : net::time_max);
    co_await connect_timer_.async_wait(use_tuple);
  }
}

void Torrent::start_connects(net::TimePoint now) {
  const auto slots = [&] {
    return static_cast<std::int32_t>(connections_.size()) + half_open_ < config_.connections_max;
  };
  // Bounded: every turn opens one more half-open connection, up to half_open_max.
  while (half_open_ < config_.half_open_max && slots()) {
    const auto endpoint = book_.take_next(now, host_.rng());
    if (!endpoint) return;
    ++half_open_;
    host_.spawn(connect_to(*endpoint));
  }
  assert(half_open_ <= config_.half_open_max);
}

asio::awaitable<void> Torrent::connect_to(net::Endpoint endpoint) {
  // Counted as half-open from the connect until the handshakes are done. The destructor covers a
  // cancelled task; the normal path also wakes the connect loop for the free slot.
  struct HalfOpen {
    Torrent& torrent;
    bool open = true;
    void end() {
      if (!open) return;
      open = false;
      --torrent.half_open_;
      torrent.wake_connect_loop();
    }
    ~HalfOpen() {
      if (open) --torrent.half_open_;
    }
  } half_open{*this};
  auto stream = co_await connect_with_timeout(host_, endpoint, limits::connect_timeout);
  if (!stream) {
    half_open.end();
    book_.on_connect_failed(endpoint, host_.now());
    co_return;
  }
  Outcome<ReceivedHandshake> received = CloseReason::torrent_stopped;
  const Outcome<void> sent =
      co_await send_handshake(host_, *stream, our_handshake(), limits::handshake_timeout);
  if (sent) {
    received = co_await receive_handshake(host_, *stream, limits::handshake_timeout,
                                          session_.make_decoder());
  }
  half_open.end();
  std::optional<CloseReason> refused;
  if (!sent) refused = sent.error();
  if (sent && !received) refused = received.error();
  if (!refused) refused = admit(received->handshake, record::Direction::outgoing, endpoint);
  if (refused) {
    book_.on_closed(endpoint, *refused, host_.now());
    co_return;
  }
  co_await run_connection(std::move(*stream), std::move(received->decoder), received->handshake,
                          record::Direction::outgoing);
}

asio::awaitable<void> Torrent::accept(net::Stream stream, ReceivedHandshake received) {
  const net::Endpoint remote = stream.remote_endpoint();
  const std::optional<CloseReason> refused =
      admit(received.handshake, record::Direction::incoming, remote);
  // A connection to ourselves, or a second one to a peer, still gets our handshake, so that the
  // side that dialled learns whom it reached and does not dial the address again at once.
  const bool answer =
      !refused || *refused == CloseReason::self_connection || *refused == CloseReason::duplicate;
  if (!answer) co_return;
  const Outcome<void> sent =
      co_await send_handshake(host_, stream, our_handshake(), limits::handshake_timeout);
  if (!sent || refused) co_return;
  // Another connection may have been admitted while we wrote: decide again.
  if (admit(received.handshake, record::Direction::incoming, remote)) co_return;
  co_await run_connection(std::move(stream), std::move(received.decoder), received.handshake,
                          record::Direction::incoming);
}

}  // namespace swarmlab::peer
