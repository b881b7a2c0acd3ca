// What connections ask of the torrent while transferring: retrying starved connections when blocks
// come free, endgame cancels, learning a peer's listening port, and the torrent's byte counters.
#include "actors/peer/torrent.hpp"

#include <cassert>

namespace swarmlab::peer {

void Torrent::on_starved_changed(PeerKey peer, bool starved) {
  assert(connections_.contains(peer));
  assert(starved || starved_count_ > 0);
  starved_count_ = starved ? starved_count_ + 1 : starved_count_ - 1;
}

void Torrent::on_blocks_released() {
  if (stopping_ || starved_count_ == 0) return;
  // request_blocks() may change which connections are starved, or close one: collect them first,
  // in key order.
  std::vector<PeerKey> starved;
  starved.reserve(starved_count_);
  for (const auto& [key, connection] : connections_) {
    if (connection->starved()) starved.push_back(key);
  }
  for (const PeerKey key : starved) {
    const auto found = connections_.find(key);
    if (found != connections_.end()) found->second->request_blocks();
  }
}

void Torrent::cancel_elsewhere(std::span<const PeerKey> peers, BlockRef block) {
  for (const PeerKey key : peers) {
    const auto found = connections_.find(key);
    if (found != connections_.end()) found->second->cancel_block(block);
  }
}

void Torrent::on_peer_listen_port(Connection& connection, std::uint16_t port) {
  assert(port != 0);
  // An incoming peer's listening address: remember it as connected, so that we do not dial it.
  if (connection.direction() == record::Direction::incoming) {
    book_.on_connected(net::Endpoint{connection.remote().address, port});
  }
}

void Torrent::count_payload_received(std::int64_t size_bytes) {
  assert(size_bytes > 0);
  counters_.payload_downloaded_bytes += static_cast<std::uint64_t>(size_bytes);
  download_rate_.add(host_.now(), size_bytes);
}

void Torrent::count_payload_sent(std::int64_t size_bytes) {
  assert(size_bytes > 0);
  counters_.payload_uploaded_bytes += static_cast<std::uint64_t>(size_bytes);
  upload_rate_.add(host_.now(), size_bytes);
}

}  // namespace swarmlab::peer
