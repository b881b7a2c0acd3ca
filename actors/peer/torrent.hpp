// One torrent of a peer: what it has (picker, storage), whom it talks to (connections, address
// book) and the decisions that span connections (choking, verification, banning, completion,
// seeding policy). Part of actors/peer.
//
// Actors. A torrent runs, on its host's executor:
//   run()            checks existing data, then the choke loop (a round every 10 s, and early
//                    rounds when an interested peer finds free slots) and the connect loop (opens
//                    connections from the address book within the connection and half-open
//                    limits), joined with `||`;
//   connect_to()     one task per outgoing attempt, which becomes the connection's task;
//   accept()         the same for an incoming stream whose handshake named this torrent;
//   write_queued_blocks()
//                    real transfers only, while blocks wait in the write-behind queue: stores
//                    them through DiskIo, then starts the check of each piece they complete;
//   verify_piece()   one task per complete piece: the hash check through DiskIo, then HAVE to
//                    every peer on success, or discard, blame and re-request on failure.
// Everything runs on one thread; no locks. Connections reach the torrent through the private
// methods below (Connection is a friend), never through each other.
//
// Lifetime: a Torrent (like its Peer) must outlive every task of its host that refers to it: end
// them (Host::cancel_tasks and run the executor until idle, or destroy the simulated world) before
// destroying the Torrent.
//
// Determinism: connections are kept in maps ordered by PeerKey (assigned in order of admission),
// random choices draw from the host's generator, and nothing iterates an unordered container.
#pragma once

#include "actors/peer/block_blame.hpp"
#include "actors/peer/block_write_queue.hpp"
#include "actors/peer/choker.hpp"
#include "actors/peer/close_reason.hpp"
#include "actors/peer/connection.hpp"
#include "actors/peer/extension_table.hpp"
#include "actors/peer/handshake.hpp"
#include "actors/peer/peer_book.hpp"
#include "actors/peer/peer_config.hpp"
#include "actors/peer/piece_layout.hpp"
#include "actors/peer/piece_picker.hpp"
#include "actors/peer/rate_meter.hpp"
#include "actors/peer/storage/disk_io.hpp"
#include "actors/peer/token_bucket.hpp"
#include "actors/peer/torrent_status.hpp"
#include "actors/peer/trust_ledger.hpp"
#include "net/host.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/wire.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/container/flat_map.hpp>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>

namespace swarmlab::peer {

// What a peer shares with its torrents; owned by the Peer, which outlives them.
struct SessionContext {
  net::Host& host;
  protocol::PeerId peer_id{};
  // Known once the listener is open (0 before, or when the peer does not listen).
  std::uint16_t listen_port = 0;
  std::string client_name{};
  record::Observer* observer = nullptr;
  record::ActorId actor_id = 0;
  // Each connection's own receive buffer; a block message that does not fit in it goes in one of
  // the pool's, which the connections of the peer share.
  std::size_t receive_buffer_bytes = limits::receive_buffer_bytes_default;
  std::unique_ptr<protocol::wire::ReceiveBufferPool> receive_buffer_pool{};

  // The decoder of a new connection, from its handshake on.
  protocol::wire::WireDecoder make_decoder() const;
};

struct TorrentParams {
  protocol::InfoHash info_hash{};
  // Owns the storage; its layout is the torrent's.
  std::unique_ptr<storage::DiskIo> disk{};
  TorrentConfig config{};
};

class Torrent {
 public:
  Torrent(SessionContext& session, TorrentParams params);
  Torrent(const Torrent&) = delete;
  Torrent& operator=(const Torrent&) = delete;
  ~Torrent();

  // ---- For the command line, the scenario engine and the tracker client.
  const protocol::InfoHash& info_hash() const { return info_hash_; }
  const storage::StorageLayout& layout() const { return disk_->layout(); }
  const TorrentConfig& config() const { return config_; }
  TorrentState state() const { return state_; }
  // Why the torrent failed (state `failed`): the storage's error. Empty otherwise.
  boost::system::error_code storage_error() const { return storage_error_; }
  bool is_complete() const { return picker_.is_complete(); }
  TorrentStatus status() const;
  // Totals over every connection, past and present.
  const TransferCounters& counters() const { return counters_; }
  // Bytes of wanted pieces not yet verified: the tracker's "left".
  std::int64_t bytes_left() const { return bytes_left_; }
  // The port to announce (the peer's listening port).
  std::uint16_t listen_port() const { return session_.listen_port; }
  // The peer's shared context (host, peer id, observer), for the tracker client.
  const SessionContext& session() const { return session_; }

  // Addresses to connect to (from a tracker, PEX, the command line). Our own address is skipped.
  void add_peers(std::span<const protocol::PeerAddress> peers);
  void add_peer(const net::Endpoint& endpoint);

  // Starts the torrent's tasks (Peer::start does this for every torrent).
  void start();
  // Closes every connection and stops connecting; the state becomes `stopped`. Tasks unwind on
  // their own within limits::shutdown_timeout.
  void stop();
  // Called with the new state each time it changes (completion: seeding; policy met: finished).
  using StateListener = std::function<void(TorrentState)>;
  void add_state_listener(StateListener listener);
  // Research and simulation faults: start (or stop) sending corrupt blocks (see TorrentConfig).
  void set_send_corrupt_blocks(bool corrupt) { config_.send_corrupt_blocks = corrupt; }
  void set_rate_limits(std::int64_t upload_bytes_per_second,
                       std::int64_t download_bytes_per_second);

  // Extensions (BEP 10): register handlers before start().
  ExtensionTable& extensions() { return extensions_; }

  // ---- Inspection (tests, the simulator's checks).
  storage::DiskIo& disk() { return *disk_; }
  const PiecePicker& picker() const { return picker_; }
  const PeerBook& peer_book() const { return book_; }
  std::size_t connection_count() const { return connections_.size(); }
  // Connections we do not choke.
  std::size_t unchoked_count() const;
  std::int32_t half_open_count() const { return half_open_; }
  // Connections in key order.
  std::vector<const Connection*> connections() const;
  bool is_banned(const net::Address& address) const { return book_.is_banned(address); }
  // Sent blocks of a failed piece and no good piece of its own since (PickRequest::on_parole).
  bool is_on_parole(const net::Address& address) const {
    return !parole_.empty() && parole_.contains(address);
  }

 private:
  friend class Connection;
  friend class Peer;

  // torrent.cpp: lifecycle, admission, registration.
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> check_existing_data();
  void set_state(TorrentState state);
  void finish(TorrentState state, CloseReason reason);
  std::optional<CloseReason> admit(const protocol::wire::Handshake& theirs,
                                   record::Direction direction, const net::Endpoint& remote);
  protocol::wire::Handshake our_handshake() const;
  boost::asio::awaitable<void> run_connection(net::Stream stream,
                                              protocol::wire::WireDecoder decoder,
                                              const protocol::wire::Handshake& theirs,
                                              record::Direction direction);
  void register_connection(Connection& connection);
  void unregister_connection(Connection& connection, std::optional<CloseReason> reason);
  void note_closed(const Connection& connection, CloseReason reason);

  // torrent_connect.cpp: outgoing and incoming connections.
  boost::asio::awaitable<void> connect_loop();
  void start_connects(net::TimePoint now);
  boost::asio::awaitable<void> connect_to(net::Endpoint endpoint);
  // An incoming stream whose handshake named this torrent (from Peer).
  boost::asio::awaitable<void> accept(net::Stream stream, ReceivedHandshake received);
  void wake_connect_loop();
  bool is_own_endpoint(const net::Endpoint& endpoint) const;

  // torrent_choke.cpp: choking rounds and the seeding policy.
  boost::asio::awaitable<void> choke_loop();
  void run_choke_round(net::TimePoint now);
  // The leecher's choker until every piece is verified, then the seed's.
  Choker& choker() { return picker_.is_complete() ? *seed_choker_ : *leech_choker_; }
  // An interested peer while upload slots are free: run a round soon.
  void request_early_choke_round();
  void check_seeding_policy(net::TimePoint now);
  // When a seeding time runs out (the choke loop wakes then too), or never.
  net::TimePoint seeding_deadline() const;

  // torrent_verify.cpp: verification, completion, bad data.
  // Every block of the piece is written (or being written, in order): check it.
  void start_verification(PieceIndex piece);
  boost::asio::awaitable<void> verify_piece(PieceIndex piece);
  // `senders_judged`: the senders of its failed attempts were judged block by block.
  void on_piece_passed(PieceIndex piece, bool senders_judged);
  void on_piece_failed(PieceIndex piece, bool blame_senders);
  // Who sent each block of the piece being checked (PeerKey::none() for none).
  std::vector<PeerKey> block_senders(PieceIndex piece) const;
  // The piece passed after failing before: bans the senders of its bad blocks, gives back the
  // trust the failures cost the others.
  void judge_block_senders(PieceIndex piece, std::span<const storage::Sha1Digest> good);
  void on_complete();
  // Bad data came from among `peers`: ban the certain culprit, or cost each its trust points.
  void blame(std::span<const PeerKey> peers);
  // A piece passed: its senders earn trust.
  void credit(std::span<const PeerKey> peers);
  const net::Address* address_of(PeerKey peer) const;
  void ban(const net::Address& address);
  // A block of the piece may not have reached the storage (its write was abandoned).
  void note_unwritten(PieceIndex piece) { unwritten_pieces_.insert(piece); }
  // A write failed with `error`. A storage that refuses one write (no permission, no space, a
  // directory where a file belongs) refuses the next ones too: the torrent fails, as libtorrent
  // and Transmission stop a torrent on a file error, rather than download forever. Abandoned and
  // queue-full writes are not the storage's failure and leave the torrent running.
  void fail_storage(boost::system::error_code error);

  // torrent_write.cpp: the write-behind of received blocks (when the storage runs off this thread).
  // Whether a connection should queue its accepted blocks rather than wait for each write.
  bool writes_behind() const { return !disk_->completes_inline() && disk_->holds_payload(); }
  // Queues a copy of an accepted block from `sender`; `completes_piece`: it is the piece's last
  // missing block, so the piece is checked once the block is stored.
  void store_block(const record::BlockRef& block, std::span<const std::uint8_t> bytes,
                   PeerKey sender, bool completes_piece);
  // Connections stop reading while this holds (limits::write_queue_bytes_max).
  bool write_queue_full() const;
  boost::asio::awaitable<void> write_queued_blocks();

  // torrent_requests.cpp: what connections ask of the torrent while transferring.
  // Blocks went back to the picker: let connections that found nothing to request try again.
  void on_blocks_released();
  // A connection found nothing to ask its unchoking peer for (starved), or did again.
  void on_starved_changed(PeerKey peer, bool starved);
  void cancel_elsewhere(std::span<const PeerKey> peers, BlockRef block);
  void on_peer_listen_port(Connection& connection, std::uint16_t port);
  void count_payload_received(std::int64_t size_bytes);
  void count_payload_sent(std::int64_t size_bytes);

  void report_disconnected(const Connection& connection, CloseReason reason);

  SessionContext& session_;
  net::Host& host_;
  protocol::InfoHash info_hash_;
  TorrentConfig config_;
  std::unique_ptr<storage::DiskIo> disk_;
  PieceLayout pieces_;
  protocol::wire::PieceGeometry geometry_;
  PiecePicker picker_;
  std::unique_ptr<Choker> leech_choker_;
  std::unique_ptr<Choker> seed_choker_;
  ExtensionTable extensions_;
  TorrentState state_ = TorrentState::checking;
  bool started_ = false;
  bool stopping_ = false;
  boost::system::error_code storage_error_;

  // Established connections, by key; each lives in its task's frame and is here while it runs.
  // Flat: every verified piece and choke round walks all of them, and a map's nodes are scattered
  // cache misses. Entries are added and removed only when a connection's task starts or ends,
  // never while a loop walks them.
  boost::container::flat_map<PeerKey, Connection*> connections_;
  std::map<protocol::PeerId, PeerKey> keys_by_peer_id_;
  // Every key ever admitted and its address, for blaming contributors that already left. Keys
  // are assigned in increasing order, so the oldest are dropped first beyond key_history_max.
  std::map<PeerKey, net::Address> key_addresses_;
  PeerKey::rep next_key_ = 0;
  // Connections whose starved() holds.
  std::size_t starved_count_ = 0;
  std::int32_t half_open_ = 0;
  PeerBook book_;
  // Trust points by address, and whom a failed piece bans.
  TrustLedger trust_;
  // The blocks of failed pieces and their senders, until the piece passes.
  BlockBlame block_blame_;
  std::set<net::Address> parole_;
  std::set<PieceIndex> unwritten_pieces_;
  BlockWriteQueue write_queue_{limits::write_run_bytes_max};
  // A write_queued_blocks() task runs (at most one at a time).
  bool writer_running_ = false;
  std::int32_t hash_failures_ = 0;
  std::int32_t banned_count_ = 0;

  TransferCounters counters_;
  RateMeter download_rate_;
  RateMeter upload_rate_;
  TokenBucket upload_bucket_;
  TokenBucket download_bucket_;
  std::int64_t bytes_left_ = 0;
  std::int64_t bytes_verified_ = 0;
  // Bytes of the pieces we want (not skipped), had or not.
  std::int64_t bytes_wanted_ = 0;
  std::optional<net::TimePoint> completed_at_;

  net::Timer choke_timer_;
  net::TimePoint next_choke_round_{};
  std::optional<net::TimePoint> last_choke_round_;
  net::Timer connect_timer_;
  std::vector<StateListener> state_listeners_;
};

}  // namespace swarmlab::peer
