// MetadataFetch: gets a torrent's info dictionary from peers over ut_metadata (BEP 9), for a
// download started from a magnet link, before the Torrent exists. Part of actors/peer.
//
// It connects to the peers it is given (at most connections_max at once), completes the BEP 3 and
// BEP 10 handshakes, learns metadata_size, and asks each peer for a few 16 KiB pieces at a time,
// so that several peers share the work. Once every piece is in, the whole is checked against the
// info-hash (protocol::parse_info_dictionary); on a mismatch every piece is dropped and the peers
// that sent them are not asked again. Sizes are bounded (metadata_size_max), peers that disagree
// on the size or send what was not asked are dropped, and every wait has a timeout.
//
// Use (the caller bounds the whole with cancellation, e.g. Ctrl-C):
//   peer::MetadataFetch fetch(host, info_hash, peer_id);
//   fetch.add_peers(magnet.peers);
//   std::optional<protocol::Metainfo> metainfo = co_await fetch.run();
//
// Lifetime: each peer is served by a task of the host (Host::spawn); the MetadataFetch must outlive
// them. run() waits for them before it returns; if run() is cancelled instead, end the host's tasks
// (Host::cancel_tasks, run the executor until idle) before destroying the fetch.
#pragma once

#include "net/host.hpp"
#include "protocol/metainfo.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"
#include "protocol/wire.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace swarmlab::peer {

class MetadataFetchSession;

struct MetadataFetchOptions {
  std::int32_t connections_max = 8;
  // Metadata pieces asked of one peer at once.
  std::int32_t requests_per_peer_max = 2;
  // Attempts per peer address before it is given up.
  std::int32_t attempts_per_peer_max = 5;
  net::Duration connect_timeout = std::chrono::seconds(10);
  net::Duration handshake_timeout = std::chrono::seconds(10);
  // Silence from a peer we are waiting on (its extension handshake, or a piece) ends the
  // connection and frees its pieces for others.
  net::Duration reply_timeout = std::chrono::seconds(20);
  // Before retrying a peer whose connection failed or ended.
  net::Duration retry_delay = std::chrono::seconds(2);
};

struct MetadataFetchStatus {
  std::int32_t connections = 0;
  std::int32_t candidates = 0;
  std::uint32_t pieces_received = 0;
  // 0 while no peer has told us the size.
  std::uint32_t piece_count = 0;
  std::int32_t hash_failures = 0;
};

class MetadataFetch {
 public:
  MetadataFetch(net::Host& host, const protocol::InfoHash& info_hash,
                const protocol::PeerId& peer_id, MetadataFetchOptions options = {});
  MetadataFetch(const MetadataFetch&) = delete;
  MetadataFetch& operator=(const MetadataFetch&) = delete;
  ~MetadataFetch();

  // More peers to ask (magnet x.pe, a tracker, the command line); known ones are skipped.
  void add_peers(std::span<const protocol::PeerAddress> peers);
  // The verified metainfo (info dictionary fields only), or nullopt once every peer has been
  // tried attempts_per_peer_max times without success.
  boost::asio::awaitable<std::optional<protocol::Metainfo>> run();
  MetadataFetchStatus status() const;

 private:
  struct Candidate {
    std::int32_t attempts = 0;
    bool active = false;
    bool given_up = false;
    net::TimePoint retry_at{};
  };
  friend class MetadataFetchSession;

  void start_connections(net::TimePoint now);
  boost::asio::awaitable<void> fetch_from(protocol::PeerAddress address);
  bool exhausted() const;
  void wake() { wake_timer_.cancel(); }

  // Bookkeeping shared by the peer sessions.
  // False when `size_bytes` is out of bounds or differs from the size others gave.
  bool accept_size(std::uint64_t size_bytes);
  std::optional<std::uint32_t> claim_piece();
  void release_piece(std::uint32_t piece);
  // Stores a piece that was asked of `from`; false when it has the wrong size.
  bool store_piece(std::uint32_t piece, std::span<const std::uint8_t> data,
                   const protocol::PeerAddress& from);
  void check_complete();

  net::Host& host_;
  protocol::InfoHash info_hash_;
  protocol::PeerId peer_id_;
  MetadataFetchOptions options_;
  std::map<protocol::PeerAddress, Candidate> candidates_;
  std::set<protocol::PeerAddress> untrusted_;
  std::map<std::uint64_t, net::Stream*> streams_;
  std::uint64_t next_stream_id_ = 0;
  std::int32_t active_ = 0;
  std::optional<std::uint64_t> size_bytes_;
  std::string bytes_;
  // Per piece: received, claimed by a session, and who sent it.
  std::vector<bool> received_;
  std::vector<bool> claimed_;
  std::vector<protocol::PeerAddress> senders_;
  std::uint32_t received_count_ = 0;
  std::int32_t hash_failures_ = 0;
  std::optional<protocol::Metainfo> result_;
  bool done_ = false;
  net::Timer wake_timer_;
};

}  // namespace swarmlab::peer
