#include "actors/peer/peer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cassert>
#include <string_view>

namespace swarmlab::peer {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// After a failed accept (out of descriptors, ...), wait before the next one instead of spinning.
constexpr net::Duration accept_retry_delay = 100ms;
constexpr std::string_view peer_id_prefix = "-SL0100-";
constexpr std::string_view peer_id_alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

}  // namespace

protocol::PeerId make_peer_id(net::Rng& rng) {
  protocol::PeerId id{};
  static_assert(peer_id_prefix.size() < std::tuple_size_v<protocol::PeerId>);
  std::copy(peer_id_prefix.begin(), peer_id_prefix.end(), id.begin());
  for (std::size_t index = peer_id_prefix.size(); index < id.size(); ++index) {
    id[index] = static_cast<std::uint8_t>(peer_id_alphabet[rng.below(peer_id_alphabet.size())]);
  }
  assert(id[0] == '-');
  return id;
}

Peer::Peer(net::Host& host, PeerConfig config)
    : host_(host),
      config_(std::move(config)),
      session_{.host = host,
               .peer_id = config_.peer_id ? *config_.peer_id : make_peer_id(host.rng()),
               .listen_port = 0,
               .client_name = config_.client_name,
               .observer = config_.observer,
               .actor_id = config_.actor_id,
               .receive_buffer_bytes = config_.receive_buffer_bytes,
               .receive_buffer_pool = std::make_unique<protocol::wire::ReceiveBufferPool>(
                   limits::receive_buffer_pool_bytes, limits::receive_buffer_pool_spare_max)} {
  assert(config_.receive_buffer_bytes >= protocol::wire::buffer_size_min);
}

Peer::~Peer() = default;

Torrent& Peer::add_torrent(TorrentParams params) {
  assert(params.disk != nullptr);
  const protocol::InfoHash info_hash = params.info_hash;
  assert(!torrents_.contains(info_hash));
  auto torrent = std::make_unique<Torrent>(session_, std::move(params));
  Torrent& added = *torrent;
  torrents_.emplace(info_hash, std::move(torrent));
  if (started_ && !stopping_) added.start();
  return added;
}

Torrent* Peer::find_torrent(const protocol::InfoHash& info_hash) {
  const auto found = torrents_.find(info_hash);
  return found == torrents_.end() ? nullptr : found->second.get();
}

net::Result<void> Peer::open_listeners() {
  const auto own = host_.addresses();
  // A host bound to no address in particular listens on every interface of both families; one
  // without IPv6 (disabled in the kernel) on IPv4 alone.
  const bool anywhere = own.empty();
  const bool has_v6 =
      anywhere || std::any_of(own.begin(), own.end(), [](const auto& a) { return a.is_v6(); });
  const bool has_v4 =
      anywhere || std::any_of(own.begin(), own.end(), [](const auto& a) { return a.is_v4(); });
  std::vector<net::Address> wildcards;
  if (has_v4) wildcards.push_back(asio::ip::address_v4::any());
  if (has_v6) wildcards.push_back(asio::ip::address_v6::any());
  std::uint16_t port = config_.listen_port;
  for (const net::Address& wildcard : wildcards) {
    auto listener = host_.listen(net::Endpoint{wildcard, port});
    if (!listener && anywhere && wildcard.is_v6() && !listeners_.empty()) continue;
    if (!listener) return listener.error();
    // With port 0, the first family picks the port and the others follow it.
    port = listener->local_endpoint().port;
    listeners_.push_back(std::make_unique<net::Listener>(std::move(*listener)));
  }
  session_.listen_port = port;
  assert(!listeners_.empty());
  return {};
}

net::Result<void> Peer::start() {
  assert(!started_);
  if (auto opened = open_listeners(); !opened) return opened.error();
  started_ = true;
  for (auto& listener : listeners_)
    host_.spawn(accept_loop(*listener));
  for (auto& [info_hash, torrent] : torrents_)
    torrent->start();
  return {};
}

void Peer::stop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& listener : listeners_)
    listener->close();
  for (auto& [info_hash, torrent] : torrents_)
    torrent->stop();
}

asio::awaitable<void> Peer::accept_loop(net::Listener& listener) {
  // Runs until the peer stops (the listener's close ends the pending accept).
  for (;;) {
    auto [error, stream] = co_await listener.async_accept(use_tuple);
    if (stopping_) co_return;
    if (error) {
      co_await host_.sleep(accept_retry_delay);
      continue;
    }
    // Beyond the limit the stream is dropped (closed) unread.
    if (incoming_handshakes_ >= limits::incoming_handshakes_max) continue;
    host_.spawn(handle_incoming(std::move(stream)));
  }
}

asio::awaitable<void> Peer::handle_incoming(net::Stream stream) {
  ++incoming_handshakes_;
  struct Pending {
    std::int32_t& count;
    bool counted = true;
    void end() {
      if (counted) --count;
      counted = false;
    }
    ~Pending() { end(); }
  } pending{incoming_handshakes_};
  auto received =
      co_await receive_handshake(host_, stream, limits::handshake_timeout, session_.make_decoder());
  pending.end();
  if (!received || stopping_) co_return;
  Torrent* torrent = find_torrent(received->handshake.info_hash);
  // A torrent we do not serve: close without answering (BEP 3).
  if (torrent == nullptr || !torrent->started_) co_return;
  co_await torrent->accept(std::move(stream), std::move(*received));
}

}  // namespace swarmlab::peer
