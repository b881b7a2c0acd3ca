#include "actors/peer/pex.hpp"

#include "actors/peer/endpoint_conversion.hpp"
#include "actors/peer/torrent.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

namespace asio = boost::asio;
namespace extension = protocol::extension;

namespace {

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

bool is_running(TorrentState state) {
  return state == TorrentState::checking || state == TorrentState::downloading ||
         state == TorrentState::seeding;
}

}  // namespace

PexExtension::PexExtension(Torrent& torrent, net::Host& host, PexOptions options)
    : torrent_(torrent), host_(host), options_(options) {
  assert(options_.interval.count() > 0);
  assert(options_.added_max > 0 && options_.added_max <= extension::pex_peer_count_max);
  assert(options_.dropped_max > 0 && options_.dropped_max <= extension::pex_peer_count_max);
}

std::string_view PexExtension::name() const {
  return extension::ut_pex_name;
}

void PexExtension::on_handshake(ExtensionPeer& peer, const extension::ExtensionHandshake& theirs) {
  const std::uint8_t remote_id = theirs.id_of(extension::ut_pex_name);
  if (remote_id == 0) {
    // BEP 10: id 0 disables an extension the peer announced before.
    remotes_.erase(peer.key());
    return;
  }
  Remote& remote = remotes_[peer.key()];
  remote.peer = &peer;
  remote.remote_id = remote_id;
  if (!running_) {
    running_ = true;
    host_.spawn(run());
  }
}

ExtensionVerdict PexExtension::on_message(ExtensionPeer& peer,
                                          std::span<const std::uint8_t> payload) {
  auto message = extension::decode_pex(payload);
  if (!message) {
    // An empty message is pointless but harmless; anything else malformed is a protocol error.
    return message.error().code == extension::ExtensionError::pex_empty ? ExtensionVerdict::keep
                                                                        : ExtensionVerdict::close;
  }
  const net::TimePoint now = host_.now();
  const auto found = remotes_.find(peer.key());
  if (found != remotes_.end()) {
    std::optional<net::TimePoint>& last = found->second.last_received;
    if (last && now - *last < options_.interval / 2) return ExtensionVerdict::keep;
    last = now;
  }
  std::vector<protocol::PeerAddress> learned;
  for (const extension::PexPeer& added : message->added) {
    if (learned.size() >= options_.added_max) break;
    if (added.address.port == 0) continue;
    learned.push_back(added.address);
  }
  peers_learned_ += learned.size();
  torrent_.add_peers(learned);
  return ExtensionVerdict::keep;
}

void PexExtension::on_disconnect(PeerKey peer) {
  remotes_.erase(peer);
}

asio::awaitable<void> PexExtension::run() {
  net::Timer timer = host_.make_timer();
  // Bounded: ends when the torrent stops (or the host's tasks are cancelled).
  while (is_running(torrent_.state())) {
    timer.expires_after(options_.interval, host_.now());
    const auto [error] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (error) co_return;
    if (!is_running(torrent_.state())) co_return;
    send_round();
  }
}

void PexExtension::send_round() {
  const std::vector<extension::PexPeer> current = connected_peers();
  for (auto& [key, remote] : remotes_)
    send_to(remote, current);
}

void PexExtension::send_to(Remote& remote, const std::vector<extension::PexPeer>& current) {
  assert(remote.peer != nullptr);
  const protocol::PeerAddress& own = remote.peer->address();
  extension::PexMessage message;
  std::set<protocol::PeerAddress> now_connected;
  for (const extension::PexPeer& entry : current) {
    // Never tell a peer about itself (same address, whatever the port).
    if (entry.address.family == own.family && entry.address.address == own.address) continue;
    now_connected.insert(entry.address);
    if (!remote.shared.contains(entry.address) && message.added.size() < options_.added_max) {
      message.added.push_back(entry);
    }
  }
  for (const protocol::PeerAddress& shared : remote.shared) {
    if (message.dropped.size() >= options_.dropped_max) break;
    if (!now_connected.contains(shared)) message.dropped.push_back(shared);
  }
  if (message.added.empty() && message.dropped.empty()) return;
  const std::string encoded = extension::encode_pex(message);
  if (!remote.peer->send_extended(remote.remote_id, as_bytes(encoded))) return;
  ++messages_sent_;
  for (const extension::PexPeer& added : message.added)
    remote.shared.insert(added.address);
  for (const protocol::PeerAddress& dropped : message.dropped)
    remote.shared.erase(dropped);
}

std::vector<extension::PexPeer> PexExtension::connected_peers() const {
  std::vector<extension::PexPeer> peers;
  for (const Connection* connection : torrent_.connections()) {
    if (connection->is_closing()) continue;
    net::Endpoint listening = connection->remote();
    std::uint8_t flags = 0;
    if (connection->direction() == record::Direction::outgoing) {
      flags |= extension::pex_flags::reachable;
    } else if (const auto port = connection->peer_listen_port()) {
      listening.port = *port;
    } else {
      // An incoming peer that did not say where it listens cannot be passed on.
      continue;
    }
    if (connection->peer_is_seed()) flags |= extension::pex_flags::seed;
    peers.push_back({.address = to_peer_address(listening), .flags = flags});
  }
  std::sort(peers.begin(), peers.end(),
            [](const auto& left, const auto& right) { return left.address < right.address; });
  return peers;
}

}  // namespace swarmlab::peer
