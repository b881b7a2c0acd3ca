// One established peer wire connection of a torrent, after the handshake: the BEP 3 messages, the
// fast extension (BEP 6) and the extension protocol (BEP 10), our requests to the peer and its
// requests to us. Part of actors/peer.
//
// Actors. A connection runs three coroutines on the host's executor, joined with `||` in run(), so
// that the first to end (with a CloseReason) cancels the others:
//   reader    reads into the wire decoder and handles each message; it awaits the disk write of a
//             received block before reading on, which bounds what one peer can make us buffer;
//   writer    sleeps until something is queued, then writes small messages in one batch or one
//             piece as a gather write of {header, block};
//   watchdog  sleeps until the next deadline: inactivity (close), keep-alive (queue one), the
//             oldest request's timeout (give its blocks back to the picker).
// All three run on one thread and share the connection's state without locks; each re-checks
// `closing_` and the state it relies on after every co_await.
//
// Ownership. The Connection lives in the frame of the task that made it (Torrent::run_connection),
// which registers it with the torrent for as long as it runs. The torrent calls the command methods
// below (choke, have, close, ...) on registered connections only.
//
// Memory per connection: the decoder's buffer, the peer's bitfield (one bit per piece), two timers
// and short queues bounded by named limits. Nothing here scans other connections.
#pragma once

#include "actors/peer/bitfield.hpp"
#include "actors/peer/choker.hpp"
#include "actors/peer/close_reason.hpp"
#include "actors/peer/extension_table.hpp"
#include "actors/peer/rate_meter.hpp"
#include "actors/peer/transfer_counters.hpp"
#include "actors/peer/types.hpp"
#include "net/host.hpp"
#include "protocol/extension.hpp"
#include "protocol/wire_decoder.hpp"
#include "record/observer.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace swarmlab::peer {

class Torrent;

struct ConnectionSetup {
  PeerKey key;
  record::Direction direction = record::Direction::outgoing;
  net::Endpoint remote;
  protocol::PeerId peer_id{};
  protocol::wire::NegotiatedFeatures features;
};

class Connection final : public ExtensionPeer {
 public:
  Connection(Torrent& torrent, net::Stream stream, protocol::wire::WireDecoder decoder,
             const ConnectionSetup& setup);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Sends our opening messages, then runs until the connection ends; returns why.
  boost::asio::awaitable<CloseReason> run();

  // ExtensionPeer.
  PeerKey key() const override { return setup_.key; }
  const protocol::PeerAddress& address() const override { return address_; }
  std::uint8_t remote_extension_id(std::string_view name) const override;
  bool send_extended(std::uint8_t remote_id, std::span<const std::uint8_t> payload) override;

  // What the torrent reads.
  const net::Endpoint& remote() const { return setup_.remote; }
  const protocol::PeerId& peer_id() const { return setup_.peer_id; }
  record::Direction direction() const { return setup_.direction; }
  const Bitfield& peer_pieces() const { return peer_pieces_; }
  bool peer_is_seed() const { return peer_pieces_.all(); }
  bool is_closing() const { return closing_.has_value(); }
  bool chokes_peer() const { return am_choking_; }
  // Nothing to ask the unchoking peer for at the last try (the torrent retries when blocks free).
  bool starved() const { return starved_; }
  bool peer_interested() const { return peer_interested_; }
  const TransferCounters& counters() const { return counters_; }
  // The port the peer listens on, from its extension handshake.
  std::optional<std::uint16_t> peer_listen_port() const { return peer_listen_port_; }
  PeerStats choke_stats(net::TimePoint now) const;
  std::int64_t download_rate_bytes_per_second(net::TimePoint now) const;
  std::int64_t upload_rate_bytes_per_second(net::TimePoint now) const;

  // The connection is over: its pieces leave the picker's availability and its requests are
  // aborted (returned).
  std::vector<BlockRef> leave_picker();

  // What the torrent tells it.
  // Ends the connection as soon as possible (the stream is closed at once).
  void close(CloseReason reason);
  void set_choked_by_us(bool choke);
  // A piece of ours passed its hash check: announce it, and drop interest if it was all we wanted.
  void on_piece_verified(PieceIndex piece);
  // Re-evaluates our interest (after the torrent completed, or priorities changed).
  void update_interest();
  // Fills the request pipeline from the picker, if the peer lets us.
  void request_blocks();
  // Another peer delivered a block we also asked this one for (endgame): cancel ours.
  void cancel_block(BlockRef block);

 private:
  struct OutstandingBlock {
    BlockRef block;
    net::TimePoint sent_at;
  };

  // connection.cpp: lifecycle, the three coroutines, queueing.
  boost::asio::awaitable<CloseReason> read_loop();
  // How much of `space_bytes` of free buffer the next read may fill (the download limit's share).
  std::size_t read_room(std::size_t space_bytes) const;
  boost::asio::awaitable<CloseReason> write_loop();
  boost::asio::awaitable<CloseReason> watchdog_loop();
  boost::asio::awaitable<std::optional<CloseReason>> drain_messages();
  boost::asio::awaitable<std::optional<CloseReason>> write_control();
  net::TimePoint next_deadline(net::TimePoint now) const;
  void finish_close(CloseReason reason);
  // Queues a small message; closes with send_queue_full when the queue is over its limit.
  void queue(const protocol::wire::Message& message);
  // queue() in two steps, for a burst of messages that should leave together: append each (false
  // once closing), then flush once.
  bool append(const protocol::wire::Message& message);
  void flush();
  // Writes the queued messages from here when the writer is parked and the stream takes them at
  // once; false when the writer has to be woken for what is left.
  bool send_without_writer();
  void note_sent(std::size_t size_bytes);
  void wake_writer();

  // connection_messages.cpp: the opening messages and every message but pieces and extensions.
  void send_opening_messages();
  std::optional<CloseReason> handle(const protocol::wire::Message& message);
  std::optional<CloseReason> on_choke();
  std::optional<CloseReason> on_unchoke();
  std::optional<CloseReason> on_interest(bool interested);
  std::optional<CloseReason> on_have(std::uint32_t piece_index);
  std::optional<CloseReason> on_bitfield(std::span<const std::uint8_t> bits);
  std::optional<CloseReason> on_have_all_or_none(bool have_all);
  std::optional<CloseReason> on_allowed_fast(std::uint32_t piece_index);
  // A BITFIELD, HAVE_ALL or HAVE_NONE after the first piece message.
  std::optional<CloseReason> on_later_piece_list(const protocol::wire::Message& message);
  std::optional<CloseReason> on_suggest(std::uint32_t piece_index);
  void count_peer_pieces();

  // connection_download.cpp: our requests and the blocks the peer sends.
  boost::asio::awaitable<std::optional<CloseReason>> on_piece(const protocol::wire::Piece& piece);
  std::optional<CloseReason> on_reject(const protocol::wire::Reject& reject);
  bool forget_outstanding(BlockRef block);
  void drop_outstanding_requests();
  void expire_requests(net::TimePoint now);
  net::Duration request_timeout_now(net::TimePoint now) const;
  BlockCount pipeline_depth(net::TimePoint now) const;

  // connection_upload.cpp: the peer's requests and serving them.
  std::optional<CloseReason> on_request(const protocol::wire::Request& request);
  std::optional<CloseReason> on_cancel(const protocol::wire::Cancel& cancel);
  boost::asio::awaitable<std::optional<CloseReason>> serve_request();
  // Serves the one queued request from here when the parked writer would do nothing else, the
  // disk answers at once, no upload limit applies and the stream takes the whole block; false
  // when the writer has to be woken for it.
  bool serve_without_writer();
  // The bytes to send for `request`, from what the disk read (empty in phantom mode).
  std::span<const std::uint8_t> block_payload(const record::BlockRef& request,
                                              std::span<std::uint8_t> data) const;
  void note_block_sent(const record::BlockRef& request, std::size_t header_bytes,
                       std::size_t payload_bytes);
  bool may_upload(std::uint32_t piece_index) const;
  void reject(const record::BlockRef& request);

  // connection_extension.cpp: BEP 10.
  void send_extension_handshake();
  std::optional<CloseReason> on_extended(const protocol::wire::Extended& message);
  std::optional<CloseReason> on_extension_handshake(std::span<const std::uint8_t> payload);

  Torrent& torrent_;
  net::Host& host_;
  net::Stream stream_;
  protocol::wire::WireDecoder decoder_;
  ConnectionSetup setup_;
  protocol::PeerAddress address_;
  net::Timer wake_timer_;
  net::Timer watchdog_timer_;

  // The peer's pieces; all set once it is a seed. Counted in the picker's availability as a seed
  // (peer_counted_as_seed_) or piece by piece.
  Bitfield peer_pieces_;
  bool peer_counted_as_seed_ = false;
  // Bitfield, have all and have none may only open the conversation.
  bool piece_messages_seen_ = false;

  bool am_choking_ = true;
  bool am_interested_ = false;
  bool peer_choking_ = true;
  bool peer_interested_ = false;
  bool starved_ = false;
  // Set by close() or by the first coroutine to end; every coroutine stops on it.
  std::optional<CloseReason> closing_;

  // The writer waits for work on wake_timer_ (nothing queued, nothing it may serve).
  bool writer_parked_ = false;
  // Reads in a row that found bytes waiting, and whether the last read filled its room
  // (read_loop).
  std::int32_t reads_without_wait_ = 0;
  bool last_read_filled_room_ = false;
  // Small messages waiting for the writer, and the batch being written.
  std::vector<std::uint8_t> control_;
  std::vector<std::uint8_t> sending_;
  // The peer's requests waiting to be served, in arrival order (at most peer_requests_max).
  std::deque<record::BlockRef> upload_queue_;
  // Our requests the peer has not answered, in the order sent.
  std::deque<OutstandingBlock> outstanding_;
  // BEP 6 hints from the peer (bounded by limits), and the pieces we let it request while choked.
  std::vector<PieceIndex> allowed_fast_;
  std::vector<PieceIndex> suggested_;
  std::vector<std::uint32_t> allowed_fast_offered_;
  // Requests refused (choked, or over our reqq) since we last unchoked the peer or served all it
  // asked for; beyond limits::peer_requests_max it is a flood.
  std::int32_t requests_refused_ = 0;

  RemoteExtensionIds remote_extension_ids_{};
  std::int32_t peer_request_queue_max_;
  std::optional<std::uint16_t> peer_listen_port_;

  RateMeter download_rate_;
  RateMeter upload_rate_;
  // Piece bytes the peer announced (HAVE): its own download rate, which strategic chokers use.
  RateMeter announce_rate_;
  TransferCounters counters_;
  net::TimePoint connected_at_;
  net::TimePoint last_received_at_;
  net::TimePoint last_sent_at_;
  std::optional<net::TimePoint> last_block_received_at_;
  net::TimePoint we_interested_since_;
  net::TimePoint choke_changed_at_;
  SizeBytes uploaded_since_unchoke_{0};
  // A request timed out: one request at a time until a block arrives.
  bool snubbed_ = false;
  // Debt of the torrent's download limit to wait out before the next read (see read_room()).
  net::Duration download_wait_{0};
};

}  // namespace swarmlab::peer
